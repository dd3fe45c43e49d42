# enumerate and zip.
names = ["ann", "bob", "cy"]
for i, n in enumerate(names):
    print(i, n)
for i, n in enumerate(names, 1):
    print(i, n)
print(list(enumerate("ab", 10)))
ages = [30, 25]
print(list(zip(names, ages)))
print(list(zip(names, ages, "xyz")))
print(list(zip()), list(zip([1, 2, 3])))
a, b = zip(*[(1, "a"), (2, "b"), (3, "c")])
print(a, b)
print(dict(zip(names, range(3))))
for (i, n), age in zip(enumerate(names), [5, 6, 7]):
    print(i, n, age)
m = [[1, 2, 3], [4, 5, 6]]
print([list(col) for col in zip(*m)])
