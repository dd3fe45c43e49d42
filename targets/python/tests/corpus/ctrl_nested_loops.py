# Nested loops building tables.
for i in range(1, 6):
    row = ""
    for j in range(1, 6):
        row += "%4d" % (i * j)
    print(row)
triples = []
for a in range(1, 21):
    for b in range(a, 21):
        for c in range(b, 30):
            if a * a + b * b == c * c:
                triples.append((a, b, c))
print(triples)
n = 5
for i in range(n):
    print(" " * (n - i - 1) + "*" * (2 * i + 1))
total = 0
for i in range(30):
    for j in range(i):
        for k in range(j):
            total += (i ^ j ^ k) & 3
print(total)
