# Arithmetic between ints and floats.
print(1 + 2.0, 3 * 1.5, 7 - 0.5, 2 ** 0.5, 4 ** 0.5, 2.0 ** 3)
print(10 // 3.0, 10 % 3.0, -10 // 3.0, -10 % 3.0)
print(int(2.999), int(-2.999), float(7), float(-0))
print(2 ** 63 + 0.0, float(2 ** 63 - 1))
print(1 + True + 0.5)
print(3 * 0.1, 0.1 * 3, 0.3)
x = 0
for i in range(10):
    x += 0.1
print(x, x == 1.0, abs(x - 1.0) < 1e-9)
print(1e300 * 1e10, 1.5e300 * 2)
print((-8) ** (1 / 3) if False else 8 ** (1 / 3))
print(5 / 2 == 2.5, 5 // 2 == 2, -5 // 2)
print(float(10 ** 300) * 10, 10 ** 300 * 1.0)
try:
    print(float(10 ** 400))
except OverflowError as e:
    print("OverflowError", e)
print((2.5).is_integer(), (3.0).is_integer(), (7.0).hex() if False else int(7.0))
