# A matrix class with __mul__, __getitem__ on tuples, and __eq__.
class Matrix:
    def __init__(self, rows):
        self.rows = [list(r) for r in rows]
        self.n = len(rows)
        self.m = len(rows[0])
    @classmethod
    def identity(cls, n):
        return cls([[1 if i == j else 0 for j in range(n)] for i in range(n)])
    def __getitem__(self, ij):
        i, j = ij
        return self.rows[i][j]
    def __mul__(self, o):
        return Matrix([[sum(self[i, k] * o[k, j] for k in range(self.m)) for j in range(o.m)] for i in range(self.n)])
    def __pow__(self, e):
        r = Matrix.identity(self.n)
        b = self
        while e:
            if e & 1:
                r = r * b
            b = b * b
            e >>= 1
        return r
    def __eq__(self, o):
        return self.rows == o.rows
    def __repr__(self):
        return "\n".join(" ".join("%4d" % v for v in r) for r in self.rows)
a = Matrix([[1, 2], [3, 4]])
print(a * a)
print(a * Matrix.identity(2) == a)
fib = Matrix([[1, 1], [1, 0]]) ** 90
print(fib[0, 1])
print(Matrix([[1, 2, 3]]) * Matrix([[4], [5], [6]]))
