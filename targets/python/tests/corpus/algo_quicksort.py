# Quicksort, functional and in place.
def qsort(xs):
    if len(xs) <= 1:
        return xs
    pivot = xs[len(xs) // 2]
    return qsort([x for x in xs if x < pivot]) + [x for x in xs if x == pivot] + qsort([x for x in xs if x > pivot])
def qsort_inplace(a, lo, hi):
    if lo >= hi:
        return
    p = a[(lo + hi) // 2]
    i, j = lo, hi
    while i <= j:
        while a[i] < p:
            i += 1
        while a[j] > p:
            j -= 1
        if i <= j:
            a[i], a[j] = a[j], a[i]
            i += 1
            j -= 1
    qsort_inplace(a, lo, j)
    qsort_inplace(a, i, hi)
seed = 42
data = []
for _ in range(200):
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    data.append(seed % 1000 - 500)
s1 = qsort(data)
s2 = data[:]
qsort_inplace(s2, 0, len(s2) - 1)
print(s1 == sorted(data), s2 == sorted(data), s1[:8], s1[-4:])
print(qsort([]), qsort([1]), qsort([3.5, -1, 2]), qsort(list("quicksort")))
