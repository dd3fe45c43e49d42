# List methods.
a = [3, 1, 4, 1, 5, 9, 2, 6]
a.append(5)
print(a, len(a))
a.extend([7, 8])
a.insert(0, 0)
a.insert(100, 100)
a.insert(-1, -1)
print(a)
print(a.pop(), a.pop(0), a.pop(2), a)
a.remove(1)
print(a, a.index(5), a.count(5), a.count(42))
a.reverse()
print(a)
b = a.copy()
b.clear()
print(a, b)
try:
    a.remove(42)
except ValueError as e:
    print("ValueError", e)
try:
    [].pop()
except IndexError as e:
    print("IndexError", e)
try:
    a.index(42)
except ValueError as e:
    print("ValueError", e)
print([1, 2] + [3], [0] * 5, [[0] * 2] * 2, [1, 2] * 0)
