# Assigning a name makes it local for the whole function.
x = 5
def f():
    try:
        print(x)
    except UnboundLocalError as e:
        print("UnboundLocalError", e)
    x = 10
    return x
print(f())
def g(flag):
    if flag:
        y = 1
    try:
        return y
    except UnboundLocalError as e:
        return "UnboundLocalError " + str(e)
print(g(True), g(False))
def h():
    try:
        return undefined_name
    except NameError as e:
        return "NameError " + str(e)
print(h())
def k():
    v = 1
    del v
    try:
        return v
    except UnboundLocalError as e:
        return type(e).__name__ + " " + str(e)
print(k())
