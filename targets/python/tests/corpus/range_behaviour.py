# range: negative steps, len, indexing, slicing, membership.
r = range(10, 0, -3)
print(list(r), len(r), r[0], r[-1], r[1])
print(list(range(0)), list(range(5, 5)), list(range(5, 0)), list(range(-5, 0)))
print(len(range(0, 100, 7)), len(range(100, 0, -7)), range(2 ** 70)[-1] == 2 ** 70 - 1)
print(range(2 ** 70)[2 ** 69], 7 in range(0, 10, 7), 8 in range(0, 10, 7))
print(list(range(10)[2:8:2]), list(range(10)[::-1]))
print(range(3) == range(3), range(0) == range(5, 5), list(range(-1, -10, -2)))
print(range(10).index(4), range(1, 10, 2).count(3))
try:
    range(1, 5, 0)
except ValueError as e:
    print("ValueError", e)
try:
    range(3)[3]
except IndexError as e:
    print("IndexError", e)
total = 0
for i in range(100, -1, -5):
    total += i
print(total)
print(sum(range(1, 101)), max(range(7)), min(range(3, 9)))
