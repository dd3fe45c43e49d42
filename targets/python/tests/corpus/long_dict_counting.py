# A dict-heavy loop: counting keys over 3 * 10^5 operations.
counts = {}
k = 7
for i in range(300000):
    k = (k * 31 + 17) % 1009
    counts[k] = counts.get(k, 0) + 1
print(len(counts), max(counts.values()), min(counts.values()))
top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
print(top)
words = {}
for i in range(50000):
    w = "w" + str(i % 977)
    words[w] = words.get(w, 0) + i
print(len(words), words["w0"], words["w976"])
