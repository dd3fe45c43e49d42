# Calls through closures and lambdas in a loop.
def make_adder(k):
    def add(x):
        return x + k
    return add
adders = [make_adder(k) for k in range(10)]
total = 0
for i in range(200000):
    total = adders[i % 10](total) % 1000003
print(total)
sq = lambda v: v * v % 65521
acc = 1
for i in range(200000):
    acc = sq(acc + i)
print(acc)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(22))
