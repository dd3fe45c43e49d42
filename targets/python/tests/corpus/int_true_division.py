# True division always gives floats.
print(7 / 2, -7 / 2, 6 / 3, 1 / 3, 2 / 3)
print(10 ** 20 / 10 ** 10, 2 ** 64 / 2)
print(1 / 7 * 7, 0 / 5, -0 / 5)
print((2 ** 1000) / (2 ** 999))
print(type(4 / 2).__name__, type(4 // 2).__name__, type(4.0 // 2).__name__)
total = 0.0
for i in range(1, 11):
    total += 1 / i
print(total)
print(round(total, 4))
