# Recursion 500 deep, repeated many times.
def depth_sum(n):
    if n == 0:
        return 0
    return n + depth_sum(n - 1)
total = 0
for i in range(400):
    total += depth_sum(500)
print(total)
def walk(lst, i):
    if i == len(lst):
        return 0
    return lst[i] * (i + 1) + walk(lst, i + 1)
print(walk(list(range(500)), 0))
