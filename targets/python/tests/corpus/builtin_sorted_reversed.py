# sorted and reversed on different iterables.
print(sorted([3, 1, 2]), sorted((9, 8)), sorted("hello"), sorted({3: 0, 1: 0}))
print(list(reversed([1, 2, 3])), list(reversed((1, 2))), list(reversed(range(4))), "".join(reversed("abc")))
d = {"b": 2, "a": 1, "c": 3}
print(sorted(d), sorted(d.values()), sorted(d.items(), key=lambda kv: -kv[1]))
print(list(reversed(list(d))))
x = [5, 2, 8]
y = sorted(x)
print(x, y, x is y)
print(sorted([[2, 1], [1, 2], [1, 1]]), sorted([-1.5, 2, -3], key=abs))
print(sorted(range(10), key=lambda v: (v % 3, -v)))
print(sorted(["b", "A", "c", "B"]), sorted(["b", "A", "c", "B"], key=str.upper))
