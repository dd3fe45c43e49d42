# Unpacking: starred, nested, swaps.
a, *b = [1, 2, 3, 4]
print(a, b)
*c, d = "xyz"
print(c, d)
e, *f, g = range(6)
print(e, f, g)
h, *i = [1]
print(h, i)
(j, k), l = (1, 2), 3
print(j, k, l)
m, (n, (o, p)) = 1, (2, (3, 4))
print(m, n, o, p)
x, y = 1, 2
x, y = y, x
print(x, y)
lst = [1, 2, 3]
lst[0], lst[2] = lst[2], lst[0]
print(lst)
for idx, (key, val) in enumerate([("a", 1), ("b", 2)]):
    print(idx, key, val)
print([*range(3), *"ab"], (*[1, 2], 3), {**{"a": 1}, "b": 2, **{"a": 9}})
try:
    q, r = [1, 2, 3]
except ValueError as err:
    print("ValueError", err)
try:
    q, r, s = [1, 2]
except ValueError as err:
    print("ValueError", err)
first, *_, last = range(100)
print(first, last)
