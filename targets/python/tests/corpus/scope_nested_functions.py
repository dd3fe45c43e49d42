# Name resolution: local, enclosing, global, builtin (LEGB).
x = "global x"
def outer():
    x = "enclosing x"
    def inner():
        return x
    def inner_local():
        x = "local x"
        return x
    return inner(), inner_local(), x
print(outer(), x)
len_saved = len
def shadow_builtin():
    len = lambda s: -1
    return len("abc")
print(shadow_builtin(), len("abc"))
def counter_factory():
    counts = {"n": 0}
    def bump():
        counts["n"] += 1
        return counts["n"]
    return bump
b = counter_factory()
print(b(), b(), b())
def class_scope():
    y = 10
    class K:
        z = y * 2
        w = [z + i for i in range(2)] if False else None
    return K.z
print(class_scope())
