# Collatz sequence lengths, with a cache.
cache = {1: 1}
def clen(n):
    path = []
    while n not in cache:
        path.append(n)
        n = n // 2 if n % 2 == 0 else 3 * n + 1
    length = cache[n]
    for m in reversed(path):
        length += 1
        cache[m] = length
    return length
print([clen(n) for n in range(1, 20)])
best = max(range(1, 30000), key=clen)
print(best, clen(best))
print(clen(27), clen(2 ** 40), clen(837799))
