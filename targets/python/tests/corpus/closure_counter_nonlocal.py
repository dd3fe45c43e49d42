# Closures with nonlocal counters.
def make_counter(start=0):
    count = start
    def inc(step=1):
        nonlocal count
        count += step
        return count
    return inc
c1 = make_counter()
c2 = make_counter(100)
print(c1(), c1(), c1(5), c2(), c1())
def make_acc():
    items = []
    def add(x):
        items.append(x)
        return len(items)
    def get():
        return list(items)
    return add, get
add, get = make_acc()
add("a"); add("b")
print(get(), add("c"), get())
def outer():
    x = 1
    def middle():
        nonlocal x
        x += 10
        def inner():
            nonlocal x
            x *= 2
            return x
        return inner()
    r = middle()
    return r, x
print(outer())
