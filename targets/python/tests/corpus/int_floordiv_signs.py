# Floor division and modulo follow the sign of the divisor.
pairs = [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 3), (0, -3), (1, 5), (-1, 5)]
for a, b in pairs:
    q = a // b
    r = a % b
    print(a, b, q, r, q * b + r == a)
print(divmod(-17, 5), divmod(17, -5), divmod(-17, -5))
print(-(7 // 2), (-7) // 2, -7 // 2)
big = 2 ** 70
print(big // 3, big % 3, (-big) // 3, (-big) % 3)
print(big // -7, big % -7)
print(-big // -big, (-big) % big)
