# Default arguments, evaluated once at definition time.
def greet(name, greeting="Hello", punct="!"):
    return greeting + ", " + name + punct
print(greet("Ann"), greet("Bob", "Hi"), greet("Cy", punct="?"), greet(greeting="Yo", name="Di"))
def append_to(x, acc=[]):
    acc.append(x)
    return acc
print(append_to(1), append_to(2), append_to(3))
a = append_to(4, [])
print(a, append_to(5))
def safe_append(x, acc=None):
    if acc is None:
        acc = []
    acc.append(x)
    return acc
print(safe_append(1), safe_append(2))
base = 10
def add_base(x, b=base):
    return x + b
base = 20
print(add_base(1), add_base(1, base))
def counter(n, step=1, *, start=0):
    return list(range(start, start + n * step, step))
print(counter(3), counter(3, 2), counter(3, start=5), counter(2, step=10, start=1))
