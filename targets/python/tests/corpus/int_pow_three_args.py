# pow with a modulus, and negative exponents.
print(pow(2, 10), pow(2, 10, 1000), pow(3, 200, 1000000007))
print(pow(-2, 3), pow(-2, 3, 5), pow(2, 3, -5))
print(pow(2, -1), pow(4, -2))
print(pow(7, 0), pow(0, 0), pow(7, 0, 1))
print(pow(12345678901234567890, 3, 10 ** 9 + 7))
print(2 ** -2, (-2) ** 2, -2 ** 2)
print(2 ** 3 ** 2)
print(10 ** 20, 10 ** 20 % 7)
acc = 1
for i in range(1, 20):
    acc = pow(acc * 31 + i, 5, 999983)
print(acc)
