# finally with return, break and continue.
def f():
    try:
        return "try"
    finally:
        print("finally runs before return")
print(f())
def g():
    try:
        return "try"
    finally:
        return "finally wins"
print(g())
def h():
    try:
        raise ValueError("lost")
    finally:
        return "swallowed"
print(h())
out = []
for i in range(5):
    try:
        if i == 1:
            continue
        if i == 3:
            break
        out.append(i)
    finally:
        out.append("f%d" % i)
print(out)
def count():
    n = 0
    while True:
        try:
            n += 1
            if n >= 3:
                return n
        finally:
            n += 10
print(count())
def ret_val():
    x = [1]
    try:
        return x
    finally:
        x.append(2)
print(ret_val())
