# gcd, lcm and extended Euclid.
def gcd(a, b):
    while b:
        a, b = b, a % b
    return a
def lcm(a, b):
    return a // gcd(a, b) * b
def egcd(a, b):
    if b == 0:
        return a, 1, 0
    g, x, y = egcd(b, a % b)
    return g, y, x - (a // b) * y
print(gcd(48, 18), gcd(17, 5), gcd(0, 9), gcd(2 ** 80, 6 ** 30))
l = 1
for i in range(1, 21):
    l = lcm(l, i)
print(l)
for a, b in [(240, 46), (17, 3120), (2 ** 64 + 1, 3 ** 40)]:
    g, x, y = egcd(a, b)
    print(g, x, y, a * x + b * y == g)
inv = egcd(17, 3120)[1] % 3120
print(inv, 17 * inv % 3120, pow(17, -1, 3120))
