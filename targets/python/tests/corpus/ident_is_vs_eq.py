# `is` compares identity, `==` compares values.
a = [1, 2]
b = [1, 2]
c = a
print(a == b, a is b, a is c, a is not b)
print(None is None, type(None) is type(None), True is True, (not 0) is True)
x = None
print(x is None, x == None, x is not None)
d1 = {"k": [1]}
d2 = dict(d1)
print(d1 == d2, d1 is d2, d1["k"] is d2["k"])
class Thing:
    pass
t1 = Thing()
t2 = t1
print(t1 is t2, t1 == Thing(), t1 is Thing())
print(int is int, type(1) is int, type(True) is int)
e = []
f = e
e += [1]
print(f, e is f)
e = e + [2]
print(f, e, e is f)
print(len is len, str.upper is str.upper)
