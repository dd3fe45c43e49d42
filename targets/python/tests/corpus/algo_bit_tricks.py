# Bit manipulation tricks.
def popcount(n):
    c = 0
    while n:
        n &= n - 1
        c += 1
    return c
print([popcount(n) for n in range(17)], popcount(2 ** 100 - 1))
print([n ^ (n >> 1) for n in range(8)])
print([n for n in range(1, 70) if n & (n - 1) == 0])
x = 0b10110100
print(x & -x, (x & -x).bit_length() - 1, bin(x | (x - 1)), bin(x & (x - 1)))
def reverse_bits(n, width=8):
    r = 0
    for _ in range(width):
        r = (r << 1) | (n & 1)
        n >>= 1
    return r
print([reverse_bits(v) for v in (1, 2, 0b1011, 255)], reverse_bits(1, 64) == 2 ** 63)
subsets = [[i for i in range(3) if m >> i & 1] for m in range(8)]
print(subsets)
