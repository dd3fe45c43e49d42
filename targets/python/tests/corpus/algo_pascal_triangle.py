# Pascal's triangle and binomial coefficients.
rows = [[1]]
for _ in range(11):
    prev = rows[-1]
    rows.append([1] + [prev[i] + prev[i + 1] for i in range(len(prev) - 1)] + [1])
for r in rows[:7]:
    print(" ".join(str(v) for v in r).center(40))
print(rows[11], sum(rows[11]))
def binom(n, k):
    r = 1
    for i in range(k):
        r = r * (n - i) // (i + 1)
    return r
print(binom(100, 50), binom(60, 30) == rows[0][0] * binom(60, 30))
print([binom(10, k) for k in range(11)] == rows[10])
