# Set and dict comprehensions.
print({x % 5 for x in range(20)})
print({len(w) for w in ["a", "bb", "cc", "ddd"]})
print(sorted({w.lower() for w in ["A", "a", "B", "b", "c"]}))
print({i: i ** 3 for i in range(5)})
print({k: v for k, v in zip("abc", [1, 2, 3]) if v != 2})
text = "the rain in spain stays mainly in the plain"
freq = {w: text.split().count(w) for w in text.split()}
print(freq)
print({n: [d for d in range(1, n + 1) if n % d == 0] for n in range(1, 8)})
print({(i, j) for i in range(3) for j in range(3) if i == j} == {(0, 0), (1, 1), (2, 2)})
