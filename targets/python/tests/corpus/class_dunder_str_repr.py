# __str__ and __repr__.
class P:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def __repr__(self):
        return "P(%r, %r)" % (self.x, self.y)
class Q(P):
    def __str__(self):
        return "<%s,%s>" % (self.x, self.y)
p = P(1, "a")
q = Q(2, "b")
print(p, q)
print(str(p), repr(q), [p, q], (q,))
print(f"{p} {q} {q!r}")
print("%s %r" % (q, q))
d = {"k": q}
print(d)
class OnlyStr:
    def __str__(self):
        return "only-str"
o = OnlyStr()
print(o, str(o), "x" + str(o))
