# A keyword argument repeated in a call.
print("never printed")
def f(a):
    return a
f(a=1, a=2)
