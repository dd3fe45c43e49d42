# *args, **kwargs and unpacking in calls.
def f(*args, **kwargs):
    return args, sorted(kwargs.items())
print(f(), f(1, 2), f(a=1, b=2), f(1, x=3))
def g(a, b, *rest, c=0, **extra):
    print(a, b, rest, c, extra)
g(1, 2)
g(1, 2, 3, 4, c=5, d=6)
g(*[1, 2, 3])
g(**{"a": 1, "b": 2, "z": 9})
g(1, *(2, 3), c=4, **{"e": 5})
def total(*nums):
    s = 0
    for n in nums:
        s += n
    return s
print(total(), total(1), total(*range(10)))
def kwonly(a, *, b, c=3):
    return a + b + c
print(kwonly(1, b=2), kwonly(1, c=10, b=0))
def show(**kw):
    return ", ".join(k + "=" + str(v) for k, v in kw.items())
print(show(x=1, y=2, z=3))
args = (1, 2)
kwargs = {"c": 7}
print(kwonly(*args[:1], b=args[1], **kwargs))
