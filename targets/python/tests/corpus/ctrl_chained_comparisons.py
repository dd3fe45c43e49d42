# Chained comparisons evaluate middle terms once.
calls = []
def v(x):
    calls.append(x)
    return x
print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 > 1 > 0, 1 == 1 == 1, 1 == 1 != 2)
print(v(1) < v(2) < v(3), calls)
calls.clear()
print(v(3) < v(2) < v(1), calls)
x = 5
print(0 <= x < 10, 0 <= x < 5, x in [5] in [[5]], 1 < x is not None)
print("a" < "b" < "c", [1] < [2] <= [2], 1 < 2.5 < 3)
for n in range(-1, 12, 4):
    print(n, 0 <= n <= 9)
