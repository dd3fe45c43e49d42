# Plain function decorators.
def trace(f):
    def wrapper(*args):
        r = f(*args)
        print("call", f.__name__, args, "->", r)
        return r
    return wrapper
@trace
def add(a, b):
    return a + b
add(1, 2)
add("x", "y")
def times(n):
    def deco(f):
        def w(x):
            for _ in range(n):
                x = f(x)
            return x
        return w
    return deco
@times(3)
def double(x):
    return x * 2
print(double(1))
@trace
@times(2)
def inc(x):
    return x + 1
print(inc(5))
registry = []
def register(f):
    registry.append(f.__name__)
    return f
@register
def alpha():
    pass
@register
def beta():
    pass
print(registry)
