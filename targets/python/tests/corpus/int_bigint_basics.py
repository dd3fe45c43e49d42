# Arbitrary precision integers.
a = 2 ** 100
print(a)
print(a + 1, a - 1)
print(a * a)
print(a // 12345678901, a % 12345678901)
print(-a)
print(abs(-a) == a)
b = 1 << 70
print(b, b >> 3, b >> 70, b >> 100)
print(3 ** 50)
f = 1
for i in range(1, 31):
    f *= i
print("30! =", f)
print(len(str(2 ** 1000)))
print(str(7 ** 77)[:20], str(7 ** 77)[-20:])
print(int("123456789012345678901234567890") * 3)
print(10 ** 30 // 10 ** 28)
