# Generating permutations and combinations recursively.
def perms(xs):
    if len(xs) <= 1:
        return [list(xs)]
    out = []
    for i in range(len(xs)):
        for p in perms(xs[:i] + xs[i + 1:]):
            out.append([xs[i]] + p)
    return out
def combos(xs, k):
    if k == 0:
        return [[]]
    if len(xs) < k:
        return []
    return [[xs[0]] + c for c in combos(xs[1:], k - 1)] + combos(xs[1:], k)
print(perms([1, 2, 3]))
print(len(perms(list(range(6)))), ["".join(p) for p in perms(list("abc"))])
print(combos([1, 2, 3, 4], 2), len(combos(list(range(10)), 4)))
def next_perm(a):
    i = len(a) - 2
    while i >= 0 and a[i] >= a[i + 1]:
        i -= 1
    if i < 0:
        return False
    j = len(a) - 1
    while a[j] <= a[i]:
        j -= 1
    a[i], a[j] = a[j], a[i]
    a[i + 1:] = reversed(a[i + 1:])
    return True
a = [1, 2, 2, 3]
n = 1
while next_perm(a):
    n += 1
print(n, a)
