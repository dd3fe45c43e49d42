# Bitwise operators including negative numbers and big ints.
vals = [0, 1, 5, -1, -6, 255, 2 ** 64, -(2 ** 64)]
for a in vals:
    print(a, a & 0xFF, a | 0x10, a ^ 0xF0, ~a)
print(-1 >> 5, -16 >> 2, -17 >> 2)
print(1 << 0, 1 << 63, 1 << 64, 5 << 100)
print((2 ** 100 - 1) & (2 ** 64 + 3))
print((-(2 ** 70)) | 1, (-(2 ** 70)) ^ -1)
print(bin(10), bin(-10), oct(64), hex(255), hex(-255), hex(2 ** 70))
print((12345).bit_length(), (0).bit_length(), (-8).bit_length(), (2 ** 100).bit_length())
x = 0
for i in range(0, 40, 3):
    x |= 1 << i
print(x, bin(x).count("1"))
