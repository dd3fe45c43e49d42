# An LRU cache built on dict insertion order.
class LRU:
    def __init__(self, cap):
        self.cap = cap
        self.d = {}
        self.hits = self.misses = 0
    def get(self, k):
        if k in self.d:
            v = self.d.pop(k)
            self.d[k] = v
            self.hits += 1
            return v
        self.misses += 1
        return None
    def put(self, k, v):
        if k in self.d:
            self.d.pop(k)
        elif len(self.d) >= self.cap:
            oldest = next(iter(self.d))
            del self.d[oldest]
        self.d[k] = v
c = LRU(3)
for k in [1, 2, 3]:
    c.put(k, k * 10)
c.get(1)
c.put(4, 40)
print(list(c.d.items()))
for k in [2, 3, 4, 1, 5]:
    if c.get(k) is None:
        c.put(k, k * 10)
print(list(c.d), c.hits, c.misses)
