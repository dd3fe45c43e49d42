# The old sequence protocol: iteration via __getitem__ until IndexError.
class Squares:
    def __init__(self, n):
        self.n = n
    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError("out of range")
        return i * i
s = Squares(6)
print(list(s), 16 in s, 17 in s, s[3])
for v in Squares(3):
    print(v)
class Grid:
    def __init__(self):
        self.cells = {}
    def __getitem__(self, key):
        return self.cells.get(key, ".")
    def __setitem__(self, key, v):
        self.cells[key] = v
    def __delitem__(self, key):
        del self.cells[key]
g = Grid()
g[0, 1] = "#"
g[2, 2] = "@"
del g[2, 2]
for y in range(3):
    print("".join(g[x, y] for x in range(3)))
