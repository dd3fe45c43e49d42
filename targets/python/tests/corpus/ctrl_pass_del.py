# pass and del on names, list items, dict entries, attributes.
def nothing():
    pass
class Empty:
    pass
print(nothing(), type(Empty()).__name__)
for i in range(3):
    pass
print(i)
x = 10
del x
try:
    print(x)
except NameError as e:
    print("NameError", e)
lst = [0, 1, 2, 3, 4, 5]
del lst[0]
del lst[-1]
del lst[1:3]
print(lst)
d = {"a": 1, "b": 2}
del d["a"]
print(d)
try:
    del d["zz"]
except KeyError as e:
    print("KeyError", e)
o = Empty()
o.v = 1
del o.v
print(hasattr(o, "v"))
a, b = 1, 2
del a, b
try:
    print(a)
except NameError as e:
    print("NameError", e)
