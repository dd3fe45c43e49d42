# Values crossing the 64-bit boundary must not wrap.
m = 2 ** 63 - 1
print(m, m + 1, m + 2)
print(-m - 1, -m - 2)
print(m * 2, m * m)
print((m + 1) // 2, (m + 1) % 1000)
n = -(2 ** 63)
print(n, n - 1, n * -1, -n)
print(n // -1)
print(abs(n))
x = 1
for i in range(70):
    x = x * 2
print(x)
y = 2 ** 62
print(y + y, y + y - 1, (y + y) - 1 - y - y)
print(m + 1 > m, m + 1 == 2 ** 63, n - 1 < n)
print(0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF + 1)
s = 0
for i in range(10):
    s += 2 ** 61
print(s)
print(m << 1, (m << 1) >> 1 == m)
