# hasattr, getattr, setattr, delattr.
class Box:
    size = 3
    def __init__(self):
        self.item = "apple"
b = Box()
print(hasattr(b, "item"), hasattr(b, "size"), hasattr(b, "nope"))
print(getattr(b, "item"), getattr(b, "size"), getattr(b, "nope", "default"))
setattr(b, "color", "red")
print(b.color, hasattr(b, "color"))
for name in ["item", "color", "size"]:
    setattr(b, name, getattr(b, name) * 2)
print(b.item, b.color, b.size, Box.size)
delattr(b, "color")
print(hasattr(b, "color"))
del b.item
print(hasattr(b, "item"))
try:
    getattr(b, "missing")
except AttributeError as e:
    print("AttributeError", e)
print(getattr("abc", "upper")(), hasattr([], "append"), hasattr(5, "real"))
