# A class-based iterator mimicking range, plus an infinite-ish counter.
class MyRange:
    def __init__(self, start, stop, step=1):
        self.start, self.stop, self.step = start, stop, step
    def __iter__(self):
        return MyRangeIter(self.start, self.stop, self.step)
class MyRangeIter:
    def __init__(self, cur, stop, step):
        self.cur, self.stop, self.step = cur, stop, step
    def __iter__(self):
        return self
    def __next__(self):
        if (self.step > 0 and self.cur >= self.stop) or (self.step < 0 and self.cur <= self.stop):
            raise StopIteration
        v = self.cur
        self.cur += self.step
        return v
for args in [(0, 5), (5, 0, -2), (0, 10, 3), (3, 3)]:
    print(args, list(MyRange(*args)) == list(range(*args)), list(MyRange(*args)))
r = MyRange(0, 3)
print([(a, b) for a in r for b in r])
it = iter(MyRange(0, 100, 7))
print(next(it), next(it), sum(it))
print(dict(zip(MyRange(0, 3), "abc")), max(MyRange(10, 0, -3)), sorted(MyRange(3, -3, -1)))
