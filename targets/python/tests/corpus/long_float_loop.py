# A hot float loop: numerical integration with 5 * 10^5 steps.
n = 500000
h = 1.0 / n
acc = 0.0
for i in range(n):
    x = (i + 0.5) * h
    acc += 4.0 / (1.0 + x * x)
pi = acc * h
print(round(pi, 10))
y = 0.0
v = 1.0
dt = 0.001
for step in range(200000):
    a = -y
    v += a * dt
    y += v * dt
print(round(y, 8), round(v, 8))
