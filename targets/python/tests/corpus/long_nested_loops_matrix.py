# Matrix multiplication with nested loops (n = 70).
n = 70
a = [[(i * j + 1) % 7 for j in range(n)] for i in range(n)]
b = [[(i + 2 * j) % 5 for j in range(n)] for i in range(n)]
c = [[0] * n for _ in range(n)]
for i in range(n):
    ai = a[i]
    ci = c[i]
    for k in range(n):
        aik = ai[k]
        bk = b[k]
        for j in range(n):
            ci[j] += aik * bk[j]
print(sum(sum(r) for r in c), c[0][:5], c[n - 1][n - 1])
tr = sum(c[i][i] for i in range(n))
print(tr)
