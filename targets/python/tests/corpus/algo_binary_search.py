# Binary search, iterative and recursive, with lower/upper bounds.
def bsearch(xs, t):
    lo, hi = 0, len(xs) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if xs[mid] == t:
            return mid
        if xs[mid] < t:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
def lower_bound(xs, t, lo=0, hi=None):
    if hi is None:
        hi = len(xs)
    if lo >= hi:
        return lo
    mid = (lo + hi) // 2
    if xs[mid] < t:
        return lower_bound(xs, t, mid + 1, hi)
    return lower_bound(xs, t, lo, mid)
data = [1, 3, 3, 3, 7, 9, 11, 15, 15, 20]
for t in [0, 1, 3, 8, 15, 20, 21]:
    print(t, bsearch(data, t), lower_bound(data, t))
big = list(range(0, 100000, 3))
print(bsearch(big, 29997), bsearch(big, 29998), lower_bound(big, 50000))
