# continue outside a loop.
print("never printed")
def f():
    continue
f()
