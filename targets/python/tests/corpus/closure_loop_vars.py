# Closures over loop variables bind late.
funcs = []
for i in range(4):
    funcs.append(lambda: i)
print([f() for f in funcs])
funcs2 = []
for i in range(4):
    funcs2.append(lambda i=i: i)
print([f() for f in funcs2])
def make(n):
    return lambda: n * 10
funcs3 = [make(k) for k in range(4)]
print([f() for f in funcs3])
lams = [lambda x: x + j for j in range(3)]
print([f(100) for f in lams])
def mk():
    out = []
    for name in ["a", "b"]:
        def h():
            return name
        out.append(h)
    name = "changed"
    return out
print([h() for h in mk()])
