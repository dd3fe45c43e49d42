# Polymorphism through a common interface.
import math
class Shape:
    def area(self):
        raise NotImplementedError("area")
    def __lt__(self, other):
        return self.area() < other.area()
    def __repr__(self):
        return "%s(%.2f)" % (type(self).__name__, self.area())
class Circle(Shape):
    def __init__(self, r):
        self.r = r
    def area(self):
        return math.pi * self.r ** 2
class Rect(Shape):
    def __init__(self, w, h):
        self.w, self.h = w, h
    def area(self):
        return self.w * self.h
class Tri(Shape):
    def __init__(self, a, b, c):
        self.a, self.b, self.c = a, b, c
    def area(self):
        s = (self.a + self.b + self.c) / 2
        return math.sqrt(s * (s - self.a) * (s - self.b) * (s - self.c))
shapes = [Circle(1), Rect(2, 3), Tri(3, 4, 5), Circle(0.5), Rect(1, 1)]
print(sorted(shapes))
print(round(sum(s.area() for s in shapes), 6), max(shapes))
try:
    Shape().area()
except NotImplementedError as e:
    print("NotImplementedError", e)
