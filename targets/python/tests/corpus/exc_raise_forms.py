# Different forms of raise.
def attempt(f):
    try:
        f()
    except Exception as e:
        print(type(e).__name__, repr(e), e.args)
def r1():
    raise ValueError
def r2():
    raise ValueError("msg")
def r3():
    raise ValueError("a", 2)
def r4():
    raise TypeError() from None
def r5():
    raise Exception("multi\nline")
def r6():
    raise KeyError("key")
def r7():
    raise StopIteration(5)
for f in [r1, r2, r3, r4, r5, r6, r7]:
    attempt(f)
try:
    raise 5
except TypeError as e:
    print("TypeError", e)
class NotExc:
    pass
try:
    raise NotExc()
except TypeError as e:
    print("TypeError", e)
