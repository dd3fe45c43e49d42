# Uncaught AttributeError on an instance.
class Point:
    def __init__(self, x):
        self.x = x
p = Point(3)
print(p.x)
print(p.y)
