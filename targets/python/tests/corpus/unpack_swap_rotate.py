# Multiple assignment evaluates the right side first.
a, b, c = 1, 2, 3
a, b, c = c, a, b
print(a, b, c)
x = y = z = 0
x += 1
print(x, y, z)
p = q = []
p.append(1)
print(p, q)
fibs = [0, 1]
for _ in range(10):
    fibs[0], fibs[1] = fibs[1], fibs[0] + fibs[1]
print(fibs)
i = 0
arr = [10, 20, 30]
i, arr[i] = 1, 99
print(i, arr)
pts = [(1, 2), (3, 4), (5, 6)]
xs, ys = zip(*pts)
print(xs, ys)
d = {}
d["a"], d["b"] = "AB"
print(d)
