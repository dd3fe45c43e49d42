# List comparison, membership, and builtin functions on lists.
print([1, 2, 3] == [1, 2, 3], [1, 2] < [1, 2, 0], [2] > [1, 9, 9], [] < [0])
print(3 in [1, 2, 3], 4 not in [1, 2, 3], [1] in [[1], [2]])
print(len([]), len([[]]), bool([]), bool([0]))
a = [4, 2, 8, 6]
print(min(a), max(a), sum(a), sorted(a), list(reversed(a)), a)
print(a.index(8), [x * 2 for x in a])
print(list(range(5)), list("ab"), list((1, 2)), list({3: 4}))
print([1, "a", 2.5, None, True, [1], (2,)])
print([1, 2] != [1, 2], [1.0, 2] == [1, 2.0])
try:
    [1, "a"] < ["a", 1]
except TypeError as e:
    print("TypeError", e)
