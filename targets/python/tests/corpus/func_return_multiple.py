# Returning tuples and early returns.
def min_max(xs):
    if not xs:
        return None, None
    lo = hi = xs[0]
    for x in xs[1:]:
        if x < lo:
            lo = x
        elif x > hi:
            hi = x
    return lo, hi
print(min_max([3, 1, 4, 1, 5, 9, 2, 6]), min_max([]), min_max([7]))
def find_pair(xs, target):
    seen = {}
    for i, x in enumerate(xs):
        if target - x in seen:
            return seen[target - x], i
        seen[x] = i
    return None
print(find_pair([2, 7, 11, 15], 9), find_pair([3, 2, 4], 6), find_pair([1, 2], 7))
def noreturn():
    x = 1
print(noreturn())
def stats(*xs):
    n = len(xs)
    return n, sum(xs), sum(xs) / n if n else 0.0
cnt, tot, avg = stats(1, 2, 3, 4)
print(cnt, tot, avg, stats())
