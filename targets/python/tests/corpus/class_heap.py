# A binary min-heap implemented by hand.
class MinHeap:
    def __init__(self):
        self.a = []
    def push(self, v):
        a = self.a
        a.append(v)
        i = len(a) - 1
        while i > 0 and a[(i - 1) // 2] > a[i]:
            p = (i - 1) // 2
            a[i], a[p] = a[p], a[i]
            i = p
    def pop(self):
        a = self.a
        top = a[0]
        last = a.pop()
        if a:
            a[0] = last
            i = 0
            while True:
                l, r, m = 2 * i + 1, 2 * i + 2, i
                if l < len(a) and a[l] < a[m]:
                    m = l
                if r < len(a) and a[r] < a[m]:
                    m = r
                if m == i:
                    break
                a[i], a[m] = a[m], a[i]
                i = m
        return top
    def __len__(self):
        return len(self.a)
h = MinHeap()
for v in [9, 4, 7, 1, 8, 2, 6, 3, 5, 0, 4]:
    h.push(v)
print([h.pop() for _ in range(len(h))])
h2 = MinHeap()
for w in [(3, "c"), (1, "z"), (1, "a"), (2, "b")]:
    h2.push(w)
print([h2.pop() for _ in range(4)])
