# Grouping anagrams, deterministic order.
words = ["listen", "silent", "enlist", "google", "elgoog", "cat", "act", "tac", "dog", "inlets"]
groups = {}
for w in words:
    key = "".join(sorted(w))
    groups.setdefault(key, []).append(w)
for key in sorted(groups):
    print(key, groups[key])
print(max(groups.values(), key=len))
def is_anagram(a, b):
    counts = {}
    for ch in a:
        counts[ch] = counts.get(ch, 0) + 1
    for ch in b:
        counts[ch] = counts.get(ch, 0) - 1
    return all(v == 0 for v in counts.values())
print(is_anagram("dormitory", "dirtyroom"), is_anagram("abc", "abd"))
