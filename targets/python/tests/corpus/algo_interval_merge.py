# Merging overlapping intervals and a sliding window maximum.
def merge(iv):
    out = []
    for s, e in sorted(iv):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out
print(merge([(1, 3), (2, 6), (8, 10), (15, 18)]), merge([(1, 4), (4, 5)]), merge([]))
print(merge([(5, 7), (1, 2), (2, 4), (6, 9), (11, 12)]))
def window_max(xs, k):
    dq = []
    out = []
    for i, x in enumerate(xs):
        while dq and xs[dq[-1]] <= x:
            dq.pop()
        dq.append(i)
        if dq[0] <= i - k:
            dq.pop(0)
        if i >= k - 1:
            out.append(xs[dq[0]])
    return out
print(window_max([1, 3, -1, -3, 5, 3, 6, 7], 3))
