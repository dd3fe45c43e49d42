# Floating point accumulation and comparisons.
def mean(xs):
    return sum(xs) / len(xs)

data = [1.5, 2.25, -0.75, 3.125, 10.0, 0.1]
print(mean(data), sum(data), max(data), min(data))
var = sum((d - mean(data)) ** 2 for d in data) / len(data)
print(var)
s = 0.0
for i in range(1, 1001):
    s += 1.0 / (i * i)
print(s)
p = 1.0
for i in range(1, 25):
    p *= 1.5
print(p)
h = 0.0
k = 1
while k < 1000000:
    h += 1.0 / k
    k *= 3
print(h)
print(sum([0.1] * 10), 0.1 * 10)
