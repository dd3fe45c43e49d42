# global statements and shadowing.
counter = 0
def bump():
    global counter
    counter += 1
    return counter
for _ in range(5):
    bump()
print(counter)
x = "global"
def read():
    return x
def shadow():
    x = "local"
    return x
print(read(), shadow(), x)
def make_global():
    global newname
    newname = "created"
make_global()
print(newname)
total = 10
def add_all(*xs):
    global total
    for v in xs:
        total += v
add_all(1, 2, 3)
print(total)
def uses_builtin():
    return len("abc")
print(uses_builtin())
