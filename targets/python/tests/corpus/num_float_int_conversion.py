# Conversions between floats and ints at the edges.
for v in [0.5, 1.5, -1.5, 1e10, 2.0 ** 63, -(2.0 ** 63), 1e20, 123456789.987654321]:
    print(v, int(v), round(v), float(int(v)) == float(round(v)))
print(int(1e308) % 1000, len(str(int(1e308))))
print(float(2 ** 63 - 1) == 2 ** 63, int(float(2 ** 63 - 1)))
print(2 ** 1023 * 1.0, float(2 ** 1023 + 2 ** 970))
print((2 ** 53 + 1) * 1.0, 2 ** 53 + 1.0)
try:
    int(float("inf"))
except OverflowError as e:
    print("OverflowError", e)
try:
    int(float("nan"))
except ValueError as e:
    print("ValueError", e)
print(7 // 2.0, 7.0 // -2, int(-0.9), int(0.9))
