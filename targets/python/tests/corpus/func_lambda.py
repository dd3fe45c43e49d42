# Lambdas.
sq = lambda x: x * x
add = lambda a, b=10: a + b
print(sq(7), add(1), add(1, 2), (lambda: "no args")())
ops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}
for op in "+-*":
    print(op, ops[op](6, 3))
print(sorted([(1, "b"), (2, "a")], key=lambda p: p[1]))
compose = lambda f, g: lambda x: f(g(x))
inc_then_sq = compose(sq, lambda x: x + 1)
print(inc_then_sq(4))
print(list(map(lambda s: s[::-1], ["abc", "xy"])))
curry = lambda a: lambda b: lambda c: a * 100 + b * 10 + c
print(curry(1)(2)(3))
print((lambda *a, **k: (a, sorted(k)))(1, 2, z=3, y=4))
fact = lambda n: 1 if n <= 1 else n * fact(n - 1)
print(fact(20))
