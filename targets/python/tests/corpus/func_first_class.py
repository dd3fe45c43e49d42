# Functions as values: passing, returning, storing.
def apply(f, xs):
    return [f(x) for x in xs]
def square(x):
    return x * x
print(apply(square, [1, 2, 3]), apply(str, [4, 5]))
table = [square, abs, str, lambda x: -x]
print([f(-3) for f in table])
def make_multiplier(k):
    def mul(x):
        return k * x
    return mul
triple = make_multiplier(3)
print(triple(7), make_multiplier(2)(21), triple.__name__)
def pipeline(*fs):
    def run(x):
        for f in fs:
            x = f(x)
        return x
    return run
p = pipeline(lambda x: x + 1, square, str, len)
print(p(99))
print(square.__name__, (lambda: 0).__name__)
def doc():
    "a docstring"
    return 1
print(doc.__doc__, doc())
