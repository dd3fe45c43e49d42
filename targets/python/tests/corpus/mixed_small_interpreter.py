# A tiny stack machine interpreter.
program = [
    ("push", 0), ("store", "acc"), ("push", 1), ("store", "i"),
    ("load", "i"), ("push", 11), ("lt",), ("jz", 18),
    ("load", "acc"), ("load", "i"), ("dup",), ("mul",), ("add",), ("store", "acc"),
    ("load", "i"), ("push", 1), ("add",), ("store", "i"), ("jmp", 4),
]
program[7] = ("jz", len(program))
def run(prog):
    stack, env, pc, steps = [], {}, 0, 0
    while pc < len(prog):
        op = prog[pc]
        steps += 1
        pc += 1
        k = op[0]
        if k == "push": stack.append(op[1])
        elif k == "store": env[op[1]] = stack.pop()
        elif k == "load": stack.append(env[op[1]])
        elif k == "dup": stack.append(stack[-1])
        elif k == "add": b = stack.pop(); stack.append(stack.pop() + b)
        elif k == "mul": b = stack.pop(); stack.append(stack.pop() * b)
        elif k == "lt": b = stack.pop(); stack.append(1 if stack.pop() < b else 0)
        elif k == "jz":
            if stack.pop() == 0:
                pc = op[1]
        elif k == "jmp": pc = op[1]
    return env, steps
print(run(program))
