# Polynomials as coefficient lists.
class Poly:
    def __init__(self, coeffs):
        c = list(coeffs)
        while len(c) > 1 and c[-1] == 0:
            c.pop()
        self.c = c
    def __add__(self, o):
        n = max(len(self.c), len(o.c))
        return Poly([(self.c[i] if i < len(self.c) else 0) + (o.c[i] if i < len(o.c) else 0) for i in range(n)])
    def __mul__(self, o):
        out = [0] * (len(self.c) + len(o.c) - 1)
        for i, a in enumerate(self.c):
            for j, b in enumerate(o.c):
                out[i + j] += a * b
        return Poly(out)
    def __call__(self, x):
        r = 0
        for a in reversed(self.c):
            r = r * x + a
        return r
    def __str__(self):
        terms = []
        for i in range(len(self.c) - 1, -1, -1):
            a = self.c[i]
            if a:
                terms.append(str(a) + ("x^%d" % i if i > 1 else "x" if i == 1 else ""))
        return " + ".join(terms) or "0"
p = Poly([1, 1])
q = Poly([-1, 0, 2])
print(p, "|", q, "|", p + q, "|", p * q)
r = Poly([1])
for _ in range(6):
    r = r * p
print(r)
print(r(1), r(2), q(10), p(-1), Poly([0, 0]))
