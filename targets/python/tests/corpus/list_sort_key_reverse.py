# sort and sorted with key and reverse; stability.
words = ["banana", "Apple", "cherry", "date", "fig", "elderberry", "apple"]
print(sorted(words))
print(sorted(words, key=len))
print(sorted(words, key=str.lower))
print(sorted(words, key=len, reverse=True))
print(sorted(words, key=lambda w: (len(w), w)))
pairs = [(1, "b"), (0, "a"), (1, "a"), (0, "b"), (2, "c"), (1, "c")]
print(sorted(pairs, key=lambda p: p[0]))
print(sorted(pairs, key=lambda p: p[0], reverse=True))
print(sorted(pairs))
nums = [5, -3, 2, -8, 0, 7, -1]
nums.sort(key=abs)
print(nums)
nums.sort(reverse=True)
print(nums)
print(sorted([3, 1, 2], reverse=True), sorted(()), sorted("cab"))
recs = [("x", 3), ("y", 1), ("z", 3), ("w", 1), ("v", 2)]
recs.sort(key=lambda r: r[1])
print(recs)
