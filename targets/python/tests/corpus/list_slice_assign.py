# Slice assignment and deletion.
a = list(range(10))
a[2:5] = ["x", "y"]
print(a)
a[1:1] = [100, 200, 300]
print(a)
a[:] = a[::-1]
print(a)
a[::2] = [0] * len(a[::2])
print(a)
del a[1:4]
print(a)
del a[::3]
print(a)
b = [1, 2, 3, 4, 5]
b[-2:] = []
print(b)
b[len(b):] = [7, 8]
print(b)
try:
    b[::2] = [1]
except ValueError as e:
    print("ValueError", e)
c = [1, 2, 3]
c[0:2] = "ab"
print(c)
