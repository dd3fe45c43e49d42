# Conditional expressions and truthiness.
for x in [-2, 0, 3]:
    s = "neg" if x < 0 else "zero" if x == 0 else "pos"
    print(x, s)
print([("even" if i % 2 == 0 else "odd") for i in range(4)])
vals = [0, 1, "", "a", [], [0], None, 0.0, {}]
print([bool(v) for v in vals])
print(0 or "default", "" or None or "last", 5 or 6, 0 and 1, 3 and 4, None and crash)
x = []
y = x or [1]
print(y, x and x[0])
print(not 0, not [1], not None, not not "s")
a = 5
b = a if a > 10 else -a if a > 3 else 0
print(b)
def sign(n):
    return (n > 0) - (n < 0)
print([sign(n) for n in [-5, 0, 7]])
