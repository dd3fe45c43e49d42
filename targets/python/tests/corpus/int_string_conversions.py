# str/int/float conversions and formatting of numbers.
for v in [0, 7, -7, 255, 10 ** 12, -(2 ** 65)]:
    print(str(v), repr(v), format(v, ","), format(v, "x"), format(v, "+"))
for v in [0.0, 1.0, -2.5, 1 / 3, 1e21, 1.5e-8, 123.0]:
    print(str(v), format(v, ".2f"), format(v, "g"), "%s" % v, "%r" % v)
print(int("0"), int("-0"), float("-0"), str(-0.0))
print(int(" 10 "), int("1" * 30), float("1" * 30))
print(int(str(2 ** 200)) == 2 ** 200, float(str(0.1)) == 0.1, float(repr(1 / 3)) == 1 / 3)
