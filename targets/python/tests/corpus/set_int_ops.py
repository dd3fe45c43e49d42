# Sets of small ints: operators and methods.
a = {1, 2, 3, 4, 5}
b = {4, 5, 6, 7}
print(a | b, a & b, a - b, b - a, a ^ b)
print(a.union(b), a.intersection(b), a.difference(b), a.symmetric_difference(b))
print(3 in a, 9 in a, len(a), {1, 2} <= a, {1, 9} <= a, a >= {1}, {1, 2} < {1, 2})
s = set()
for i in [3, 1, 3, 2, 1, 0]:
    s.add(i)
print(s, len(s))
s.discard(10)
s.discard(0)
s.remove(3)
print(s)
try:
    s.remove(42)
except KeyError as e:
    print("KeyError", e)
print(sorted({5, 3, 9, 1}), set([1, 1, 2]), set(), set(range(5)))
print(a.isdisjoint({8, 9}), a.issubset(range(10)), {1, 2} == {2, 1})
c = a.copy()
c |= {10}
c &= {1, 10, 2}
print(c, a)
print({x % 4 for x in range(20)})
s2 = {7}
print(s2.pop(), s2)
