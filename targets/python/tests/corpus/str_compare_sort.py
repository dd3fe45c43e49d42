# String comparison is by code point.
names = ["bob", "Alice", "alice", "Bob", "éclair", "zed", "Zed", "123", "_x"]
print(sorted(names))
print(sorted(names, key=str.lower))
print(sorted(names, key=lambda s: (len(s), s)))
print("a" < "b", "B" < "a", "abc" < "abd", "abc" < "ab", "é" > "z")
print(min(names), max(names))
print(sorted(["10", "9", "100", "1"]), sorted(["10", "9", "100", "1"], key=int))
print("apple".__lt__("banana"), "b" * 3 > "b" * 2)
