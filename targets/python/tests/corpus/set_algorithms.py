# Set-based algorithms with ints.
def primes_upto(n):
    composite = set()
    out = []
    for i in range(2, n + 1):
        if i not in composite:
            out.append(i)
            composite.update(range(i * i, n + 1, i))
    return out
print(primes_upto(60))
a = set(range(0, 30, 2))
b = set(range(0, 30, 3))
print(sorted(a & b), sorted(a - b)[:5], len(a | b), len(a ^ b))
seen = set()
dups = []
for x in [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]:
    if x in seen and x not in dups:
        dups.append(x)
    seen.add(x)
print(dups, sorted(seen))
reach = {0}
for step in range(4):
    reach = reach | {r + d for r in reach for d in (1, 5)}
print(sorted(reach))
print(set([1, 2]) == {2, 1}, {1, 2} != {1, 2, 3}, frozenset({1}) in {frozenset({1}): 1})
