# Common while-loop patterns.
n = 1
steps = 0
while n < 10 ** 6:
    n *= 3
    steps += 1
print(n, steps)
digits = []
m = 9876543210
while m:
    digits.append(m % 10)
    m //= 10
print(digits)
a, b = 1071, 462
while b:
    a, b = b, a % b
print(a)
lo, hi = 0.0, 2.0
while hi - lo > 1e-12:
    mid = (lo + hi) / 2
    if mid * mid < 2:
        lo = mid
    else:
        hi = mid
print(round(lo, 10))
x = 100
seq = []
while True:
    seq.append(x)
    if x == 1:
        break
    x = x // 2 if x % 2 == 0 else 3 * x + 1
print(len(seq), seq[:8])
