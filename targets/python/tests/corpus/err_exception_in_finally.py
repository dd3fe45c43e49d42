# An exception from finally replaces the one in flight.
def f():
    try:
        raise ValueError("first")
    finally:
        print("cleanup")
        raise KeyError("from finally")
print("go")
f()
