# Attribute lookup: instance, class, base class; mutable class attributes.
class Base:
    shared = []
    tag = "base"
    def hello(self):
        return "hello from " + self.tag
class Child(Base):
    tag = "child"
a = Base()
b = Child()
a.shared.append(1)
b.shared.append(2)
print(Base.shared, Child.shared is Base.shared)
print(a.hello(), b.hello())
b.tag = "instance"
print(b.hello(), Child.tag)
del b.tag
print(b.hello())
Child.tag = "changed"
print(b.hello(), a.hello())
def extra(self):
    return "extra " + self.tag
Base.extra = extra
print(a.extra(), b.extra())
print(Base.__name__, Child.__bases__[0].__name__)
print(sorted(k for k in vars(b)), "tag" in Child.__dict__)
