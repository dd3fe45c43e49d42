# Higher-order helpers written by hand: reduce, compose, partial.
def reduce(f, xs, init):
    acc = init
    for x in xs:
        acc = f(acc, x)
    return acc
def partial(f, *bound):
    def g(*rest):
        return f(*bound, *rest)
    return g
def compose(*fs):
    return lambda x: reduce(lambda acc, f: f(acc), reversed(fs), x)
print(reduce(lambda a, b: a * b, range(1, 11), 1), reduce(lambda a, b: a + [b * 2], [1, 2], []))
add3 = partial(lambda a, b, c: a + b + c, 1, 2)
print(add3(10), partial(max, 5)(3, 9), partial(pow, 2)(10))
f = compose(str, lambda x: x * 2, abs)
print(repr(f(-21)))
print(sorted(["bb", "a", "ccc"], key=compose(lambda n: -n, len)))
counts = reduce(lambda d, w: {**d, w: d.get(w, 0) + 1}, "a b a c b a".split(), {})
print(counts)
