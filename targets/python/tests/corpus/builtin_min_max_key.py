# min and max with key and default.
words = ["pear", "fig", "banana", "kiwi", "apple"]
print(min(words), max(words), min(words, key=len), max(words, key=len))
print(max(words, key=lambda w: w[-1]), min(3, 1, 2), max(3, 1, 2), max([1, 5], [1, 4]))
print(min([], default="empty"), max([], default=None), max([7], default=0))
print(max(-5, 3, key=abs), min(-5, 3, key=abs), max([2, -2], key=abs))
pts = [(1, 5), (3, 2), (-4, 1)]
print(max(pts), min(pts, key=lambda p: p[1]), max(pts, key=lambda p: p[0] ** 2))
try:
    min([])
except ValueError as e:
    print("ValueError", e)
print(max("abc", "abd"), min(2.5, 2), max(True, 0))
print(max(range(5), key=lambda i: (i * 7) % 5))
