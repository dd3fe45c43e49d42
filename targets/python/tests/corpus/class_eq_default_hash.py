# Objects without __eq__ compare by identity and are hashable.
class Token:
    def __init__(self, s):
        self.s = s
a = Token("x")
b = Token("x")
d = {a: 1, b: 2}
print(len(d), d[a], d[b], a == b, a == a, a != b)
s = {a, a, b}
print(len(s), a in s, Token("x") in s)
class WithEq:
    def __init__(self, v):
        self.v = v
    def __eq__(self, o):
        return self.v == o.v
print(WithEq(1) == WithEq(1), WithEq(1) != WithEq(2))
try:
    hash(WithEq(1))
except TypeError as e:
    print("TypeError", e)
print(WithEq.__hash__ is None)
