# Negative indexing, out of range, and assignment through indices.
a = [10, 20, 30, 40]
print(a[-1], a[-4], a[len(a) - 1])
for i in [4, -5, 100]:
    try:
        print(a[i])
    except IndexError as e:
        print("IndexError", i, e)
a[-1] = 45
a[0] += 1
print(a)
try:
    a[10] = 1
except IndexError as e:
    print("IndexError", e)
b = [[0, 1], [2, 3]]
b[-1][-1] = 33
b[0][-2] -= 5
print(b)
t = (1, 2, 3)
print(t[-2], "xyz"[-1], range(10)[-3])
