# List comprehensions: nested, with conditions.
print([x * x for x in range(10) if x % 2])
print([(x, y) for x in range(3) for y in range(x)])
print([[x * y for y in range(4)] for x in range(3)])
print([c for c in "Hello World" if c.isupper()])
print([x if x > 0 else 0 for x in [-2, -1, 0, 1, 2]])
words = ["apple", "bob", "kayak", "tree", "level"]
print([w for w in words if w == w[::-1]])
matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([row[i] for i, row in enumerate(matrix)])
print([n for n in range(2, 50) if all(n % d for d in range(2, int(n ** 0.5) + 1))])
print([x for x in range(20) if x % 2 == 0 if x % 3 == 0])
x = "outer"
print([x for x in range(3)], x)
print([[c * n for c in "ab"] for n in range(1, 3)])
print(sum([i for i in range(1000) if i % 3 == 0 or i % 5 == 0]))
