# divmod and abs across ints and floats.
for a in [17, -17, 0, 2 ** 65, -(2 ** 65)]:
    for b in [3, -3, 10 ** 20]:
        print(a, b, divmod(a, b))
print(abs(-5), abs(5), abs(-2.5), abs(0), abs(-0.0), abs(-(2 ** 80)))
print(divmod(7.5, 2), divmod(-7.5, 2), divmod(7, 0.5))
print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2, 7.5 % -2)
q, r = divmod(2 ** 100 + 12345, 2 ** 50)
print(q, r, q * 2 ** 50 + r == 2 ** 100 + 12345)
