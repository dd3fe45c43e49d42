# Simple statistics over lists of numbers.
data = [2, 4, 4, 4, 5, 5, 7, 9]
n = len(data)
mean = sum(data) / n
var = sum((x - mean) ** 2 for x in data) / n
print(mean, var, var ** 0.5)
s = sorted(data)
median = (s[n // 2 - 1] + s[n // 2]) / 2 if n % 2 == 0 else s[n // 2]
print(median)
counts = {}
for x in data:
    counts[x] = counts.get(x, 0) + 1
mode = max(counts, key=lambda k: (counts[k], -k))
print(mode, counts)
print(max(data) - min(data), sum(x * x for x in data))
running = []
t = 0
for x in data:
    t += x
    running.append(t)
print(running)
print([round(x / sum(data), 3) for x in data])
