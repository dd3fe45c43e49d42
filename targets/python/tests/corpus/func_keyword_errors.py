# Errors from bad calls.
def f(a, b=2, *, c):
    return a + b + c
try:
    f(1)
except TypeError as e:
    print("TypeError", e)
try:
    f(1, 2, 3)
except TypeError as e:
    print("TypeError", e)
try:
    f(1, c=2, d=4)
except TypeError as e:
    print("TypeError", e)
try:
    f(1, a=2, c=3)
except TypeError as e:
    print("TypeError", e)
def g(x):
    return x
try:
    g()
except TypeError as e:
    print("TypeError", e)
try:
    g(1, 2)
except TypeError as e:
    print("TypeError", e)
print(f(1, c=3), f(c=1, a=2, b=3))
