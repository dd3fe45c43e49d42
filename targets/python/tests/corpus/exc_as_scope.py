# The name bound by `except ... as e` is deleted after the handler.
e = "before"
try:
    raise ValueError("inside")
except ValueError as e:
    print("handler", e)
try:
    print(e)
except NameError as err:
    print("NameError", err)
saved = None
try:
    [][0]
except IndexError as exc:
    saved = exc
print(type(saved).__name__, saved)
def f():
    try:
        raise KeyError(3)
    except KeyError as k:
        return k.args
print(f())
