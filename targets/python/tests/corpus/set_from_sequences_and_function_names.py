# set() of lists and tuples (sized once, hashing that runs Python code kept live),
# and functions' __name__/__qualname__ (shared by the functions of one code, settable).
class H:
    def __init__(self, v): self.v = v
    def __hash__(self): return hash(self.v)
    def __eq__(self, o): return isinstance(o, H) and o.v == self.v
print(sorted(set([3, 1, 2, 3, 1.0, True, "a", "a", None]), key=repr), len(set((1, 2, 2))), len(set([H(1), H(1), H(2)])))
s = {1}; s.update([1, 2, 3] * 10); print(sorted(s), len(set(list(range(1000)) * 3)))
def f(): pass
g = f
def f(): pass
print(f.__name__, g.__qualname__, (lambda: 0).__name__, [x for x in range(3)])
f.__name__ = "zz"; print(f.__name__, g.__name__)
f.__qualname__ = "A.b"; print(f.__qualname__, repr(f)[:14])
try:
    f.__name__ = 3
except TypeError as e:
    print(e)
