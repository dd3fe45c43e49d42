# int() parsing from strings and bases; str() of ints.
print(int("12"), int("-12"), int("  42  "), int("+7"))
print(int("ff", 16), int("FF", 16), int("777", 8), int("1010", 2), int("z", 36))
print(int("0x1f", 16), int("0b101", 0), int("0o17", 0), int("123", 0))
print(int("1_000_000"), int(3.99), int(-3.99), int(True))
print(int("99999999999999999999999999"))
print(float("1.5"), float("-0.25"), float("1e3"), float("  2.5 "))
print(float("inf"), float("-inf"), float("nan"))
print(str(123), str(-0), repr(45), str(10 ** 25))
for s in ["12a", "", "1.5", "0x10"]:
    try:
        print(int(s))
    except ValueError as e:
        print("ValueError", e)
try:
    float("abc")
except ValueError as e:
    print("ValueError", e)
