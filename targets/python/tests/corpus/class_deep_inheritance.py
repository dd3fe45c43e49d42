# A chain of subclasses overriding and extending behaviour.
class A:
    level = 1
    def name(self):
        return "A"
    def chain(self):
        return [self.name()]
class B(A):
    level = 2
    def name(self):
        return "B"
    def chain(self):
        return super().chain() + ["B.chain"]
class C(B):
    def chain(self):
        return super().chain() + ["C.chain"]
class D(C):
    level = 4
    def name(self):
        return "D/" + super().name()
for cls in [A, B, C, D]:
    o = cls()
    print(cls.__name__, o.level, o.name(), o.chain())
print([isinstance(D(), k) for k in (A, B, C, D)], issubclass(C, A), issubclass(A, D))
print(D.__mro__ == (D, C, B, A, object))
