# __hash__ and __eq__ for dictionary keys and sets.
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def __eq__(self, o):
        return isinstance(o, Point) and (self.x, self.y) == (o.x, o.y)
    def __hash__(self):
        return hash((self.x, self.y))
    def __repr__(self):
        return "Point(%d, %d)" % (self.x, self.y)
d = {Point(1, 2): "a", Point(3, 4): "b"}
print(d[Point(1, 2)], Point(3, 4) in d, Point(5, 6) in d)
d[Point(1, 2)] = "c"
print(len(d), d)
s = {Point(0, 0), Point(0, 0), Point(1, 1)}
print(len(s), Point(1, 1) in s)
class Unhashable:
    def __eq__(self, o):
        return True
try:
    {Unhashable(): 1}
except TypeError as e:
    print("TypeError", e)
class Const:
    def __hash__(self):
        return 7
x, y = Const(), Const()
print(hash(x), len({x, y}), x == y)
