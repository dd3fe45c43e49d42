# Re-raising exceptions.
def inner():
    raise ValueError("original")
def middle():
    try:
        inner()
    except ValueError:
        print("middle saw it")
        raise
try:
    middle()
except ValueError as e:
    print("outer got", e)
def wrap():
    try:
        inner()
    except ValueError as e:
        raise RuntimeError("wrapped") from e
try:
    wrap()
except RuntimeError as e:
    print(type(e).__name__, e, type(e.__cause__).__name__, e.__cause__)
def implicit():
    try:
        inner()
    except ValueError:
        raise KeyError("during handling")
try:
    implicit()
except KeyError as e:
    print(repr(e), type(e.__context__).__name__)
try:
    try:
        raise TypeError("t")
    except TypeError as e:
        err = e
    raise err
except TypeError as e2:
    print("raised again", e2, e2 is err)
