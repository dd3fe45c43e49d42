# List slicing, including negative steps.
a = list(range(10))
print(a[2:7], a[:3], a[-2:], a[::3], a[::-1], a[7:2:-2], a[-1:-5:-1])
print(a[20:], a[-20:2], a[5:5])
b = a[:]
b[0] = 99
print(a[0], b[0], a == b, a[:] is a)
print(a[1:9:2][::-1])
m = [[1, 2], [3, 4]]
c = m[:]
c[0].append(9)
print(m, c, m[0] is c[0])
print(a[len(a) // 2:], a[:len(a) // 2])
