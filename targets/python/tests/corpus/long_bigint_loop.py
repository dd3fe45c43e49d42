# Big integer arithmetic in a loop: factorials and fibonacci.
f = 1
for i in range(1, 1001):
    f *= i
s = str(f)
print(len(s), s[:15], sum(int(d) for d in s))
a, b = 0, 1
for i in range(15000):
    a, b = b, a + b
print(len(str(a)), a % 1000000007)
x = 2 ** 64
acc = 0
for i in range(100000):
    acc = (acc + x * i) % (2 ** 89 - 1)
print(acc)
