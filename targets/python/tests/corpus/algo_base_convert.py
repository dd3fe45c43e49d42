# Converting integers between bases by hand.
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
def to_base(n, b):
    if n == 0:
        return "0"
    neg = n < 0
    n = abs(n)
    out = []
    while n:
        n, r = divmod(n, b)
        out.append(DIGITS[r])
    return ("-" if neg else "") + "".join(reversed(out))
for n in [0, 5, 255, -255, 2 ** 64, 123456789]:
    print(n, to_base(n, 2), to_base(n, 16), to_base(n, 36))
for n in [0, 5, 255, -255, 2 ** 64, 123456789]:
    assert int(to_base(n, 16), 16) == n
    assert int(to_base(n, 36), 36) == n
print(to_base(2 ** 100, 7), int(to_base(2 ** 100, 7), 7) == 2 ** 100)
