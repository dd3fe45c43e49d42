# math functions used together.
import math
def dist(a, b):
    return math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2)
pts = [(0, 0), (3, 4), (6, 8), (-1, 1)]
print([round(dist(pts[0], p), 6) for p in pts])
print(math.floor(-0.5), math.ceil(-0.5), math.floor(1e20), math.ceil(2 ** 70 + 0.0))
r = 2.5
print(round(math.pi * r * r, 10), round(2 * math.pi * r, 10))
print(math.isqrt(10 ** 20), math.isqrt(99), math.comb(10, 3), math.perm(5, 2))
print(math.fsum([0.1] * 10), sum([0.1] * 10))
print(math.prod([1, 2, 3, 4]), math.lcm(4, 6), math.gcd(0, 5))
from math import sqrt, pi as PI
print(sqrt(49), round(PI, 3))
import math as m
print(m.floor(m.e), m.tau == 2 * m.pi)
