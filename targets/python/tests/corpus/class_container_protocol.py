# __len__, __getitem__, __setitem__, __contains__, __iter__ with a class iterator.
class Ring:
    def __init__(self, items):
        self.items = list(items)
    def __len__(self):
        return len(self.items)
    def __getitem__(self, i):
        return self.items[i % len(self.items)]
    def __setitem__(self, i, v):
        self.items[i % len(self.items)] = v
    def __contains__(self, v):
        return v in self.items
    def __iter__(self):
        return RingIter(self)
class RingIter:
    def __init__(self, ring):
        self.ring = ring
        self.i = 0
    def __iter__(self):
        return self
    def __next__(self):
        if self.i >= len(self.ring):
            raise StopIteration
        v = self.ring.items[self.i]
        self.i += 1
        return v
r = Ring("abcd")
print(len(r), r[0], r[5], r[-1], "c" in r, "z" in r)
r[6] = "C"
print(list(r), [x.upper() for x in r], sorted(r), bool(r))
for a in r:
    for b in r:
        if a < b:
            print(a + b, end=" ")
print()
print(sum(1 for _ in r), "".join(r), tuple(r), max(r))
class Empty:
    def __len__(self):
        return 0
print(bool(Empty()), len(Empty()), "falsy" if not Empty() else "truthy")
