# Tuples: packing, indexing, immutability, comparison.
t = (1, 2, 3)
print(t, t[0], t[-1], t[1:], len(t), t + (4,), t * 2)
single = (5,)
print(single, len(single), (), len(()))
a, b, c = t
print(a, b, c)
print((1, 2) < (1, 3), (1, 2) < (1, 2, 0), (2,) > (1, 100))
print(t.index(2), t.count(3), 3 in t)
try:
    t[0] = 9
except TypeError as e:
    print("TypeError", e)
nested = ((1, 2), (3, (4, 5)))
print(nested[1][1][0], nested)
print(tuple([1, 2]), tuple("hi"), tuple(range(3)))
x = 1, 2
print(x, type(x).__name__)
print(hash((1, 2)) == hash((1, 2)), (1, 2) == (1, 2), (1, [2]) == (1, [2]))
print(sorted([(2, "b"), (1, "z"), (2, "a")]))
