# Word frequency with ties broken alphabetically.
text = """It was the best of times it was the worst of times it was the age of
wisdom it was the age of foolishness it was the epoch of belief it was the epoch
of incredulity it was the season of Light it was the season of Darkness"""
freq = {}
for word in text.lower().split():
    freq[word] = freq.get(word, 0) + 1
top = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))
for w, c in top[:8]:
    print("%-12s %3d %s" % (w, c, "*" * c))
print(len(freq), sum(freq.values()))
lengths = {}
for w in freq:
    lengths.setdefault(len(w), []).append(w)
for n in sorted(lengths):
    print(n, sorted(lengths[n]))
