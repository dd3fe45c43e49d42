# A hot integer loop: 10^6 iterations of mixed arithmetic.
total = 0
x = 12345
for i in range(1000000):
    x = (x * 1103515245 + 12345) % 2147483648
    if x & 1:
        total += x >> 16
    else:
        total -= i
print(total, x)
