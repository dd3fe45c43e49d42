# Digit manipulation on small and big integers.
def digit_sum(n):
    s = 0
    while n:
        n, d = divmod(n, 10)
        s += d
    return s
def reverse_num(n):
    r = 0
    while n:
        r = r * 10 + n % 10
        n //= 10
    return r
print(digit_sum(12345), digit_sum(2 ** 100), sum(int(c) for c in str(2 ** 100)))
print(reverse_num(12345), reverse_num(1200), reverse_num(2 ** 70))
print([n for n in range(100, 1000) if n == sum(int(c) ** 3 for c in str(n))])
def digital_root(n):
    while n >= 10:
        n = digit_sum(n)
    return n
print([digital_root(n) for n in [0, 9, 38, 123456789, 10 ** 30 - 1]])
print(len(str(3 ** 1000)), str(3 ** 1000).count("7"))
