# Method calls on objects in a hot loop.
class Counter:
    def __init__(self):
        self.n = 0
        self.odd = 0
    def add(self, v):
        self.n += v
        if v & 1:
            self.odd += 1
        return self
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def moved(self, dx, dy):
        return Point(self.x + dx, self.y + dy)
c = Counter()
for i in range(300000):
    c.add(i)
print(c.n, c.odd)
p = Point(0, 0)
for i in range(100000):
    p = p.moved(i % 3 - 1, i % 5 - 2)
print(p.x, p.y)
