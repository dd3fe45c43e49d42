# Mutating a list while iterating over it.
a = [1, 2, 3, 4, 5, 6]
for x in a:
    if x % 2 == 0:
        a.remove(x)
print(a)
b = [1, 2, 3]
count = 0
for x in b:
    if count < 3:
        b.append(x * 10)
    count += 1
print(b, count)
c = [1, 2, 3, 4]
for i in range(len(c) - 1, -1, -1):
    if c[i] % 2:
        del c[i]
print(c)
d = [5, 6, 7]
for i, x in enumerate(d):
    d[i] = x * x
print(d)
e = [0, 1, 2, 3]
for x in e[:]:
    e.append(x)
print(e)
