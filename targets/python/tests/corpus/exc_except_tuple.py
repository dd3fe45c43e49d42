# except with a tuple of types, and ordering of handlers.
def classify(f):
    try:
        f()
        return "ok"
    except (KeyError, IndexError) as e:
        return "lookup " + type(e).__name__
    except ArithmeticError as e:
        return "arith " + type(e).__name__
    except Exception as e:
        return "other " + type(e).__name__
print(classify(lambda: {}["x"]))
print(classify(lambda: [][1]))
print(classify(lambda: 1 // 0))
print(classify(lambda: int("x")))
print(classify(lambda: None))
print(classify(lambda: 2.0 ** 10000))
print(issubclass(KeyError, LookupError), issubclass(ZeroDivisionError, ArithmeticError))
print(issubclass(ValueError, Exception), issubclass(Exception, BaseException))
try:
    raise IndexError
except LookupError as e:
    print("caught base class", type(e).__name__, repr(str(e)))
