# Exceptions raised inside handlers and finally blocks.
def a():
    try:
        raise ValueError("first")
    except ValueError:
        raise TypeError("second")
try:
    a()
except TypeError as e:
    print("got", e, "context:", e.__context__)
def b():
    try:
        return 1 / 0
    finally:
        print("cleanup in b")
try:
    b()
except ZeroDivisionError as e:
    print("b raised", e)
def c(n):
    try:
        if n == 0:
            raise IndexError("bottom")
        return c(n - 1)
    finally:
        print("unwind", n)
try:
    c(3)
except IndexError as e:
    print("caught", e)
try:
    try:
        raise KeyError("x")
    except ValueError:
        print("not here")
    finally:
        print("finally before propagating")
except KeyError as e:
    print("outer", e)
