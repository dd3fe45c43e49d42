# round() with and without digits, banker's rounding.
for v in [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 2.675, 1.005, 123.456, -123.456]:
    print(v, round(v), round(v, 1), round(v, 2))
print(round(1234.5678, -1), round(1234.5678, -2), round(15, -1), round(25, -1))
print(round(7), round(-7), round(2 ** 70))
print(type(round(2.5)).__name__, type(round(2.5, 0)).__name__)
print(round(1e16), round(0.1 + 0.2, 10))
print(round(12345, -2), round(-12355, -1), round(999, -3))
