# AttributeError messages for instances, classes and builtins.
class C:
    def __init__(self):
        self.a = 1
c = C()
for obj, name in [(c, "b"), (C, "zz"), (1, "foo"), ("s", "bar"), ([], "nope"), (None, "x")]:
    try:
        getattr(obj, name)
    except AttributeError as e:
        print(e)
try:
    c.missing_method()
except AttributeError as e:
    print(e)
try:
    del c.nothere
except AttributeError as e:
    print(e)
try:
    (1).real = 2
except AttributeError as e:
    print(type(e).__name__)
print(getattr(c, "a"), getattr(c, "b", None))
