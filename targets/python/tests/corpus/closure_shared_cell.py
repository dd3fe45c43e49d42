# Several closures sharing one cell; closures outliving their frame.
def pair():
    v = 0
    def get():
        return v
    def put(x):
        nonlocal v
        v = x
    return get, put
get, put = pair()
print(get())
put(42)
print(get())
get2, put2 = pair()
put2(7)
print(get(), get2())
def adders():
    return [lambda x, k=k: x + k for k in (1, 2, 3)]
print([a(10) for a in adders()])
def memo(f):
    cache = {}
    def wrapped(n):
        if n not in cache:
            cache[n] = f(n)
        return cache[n]
    wrapped.cache = cache
    return wrapped
@memo
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(80), len(fib.cache))
