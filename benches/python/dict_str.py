# A dict-and-string workload: tokenizing generated text, counting words in a dict,
# building keys by formatting and joining, and sorting the counts.
import sys

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "an", "ve", "do", "re"]


def make_words(n):
    words = []
    state = 12345
    for _ in range(n):
        state = (state * 1103515245 + 12345) % 2147483648
        k = 1 + (state >> 16) % 3
        w = ""
        s = state
        for _ in range(k):
            w += SYLLABLES[s % len(SYLLABLES)]
            s //= 12
        words.append(w)
    return words


def run(words):
    text = " ".join(words)
    counts = {}
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    pairs = {}
    for a, b in zip(words, words[1:]):
        key = "%s|%s" % (a, b)
        pairs[key] = pairs.get(key, 0) + 1
    lengths = {}
    for w in counts:
        lengths.setdefault(len(w), []).append(w)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    report = ", ".join(f"{w}={c}" for w, c in top)
    upper = sum(1 for w in counts if w.upper().startswith("KA"))
    return len(counts), len(pairs), max(pairs.values()), sorted(lengths)[-1], upper, report


n = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
words = make_words(n)
for _ in range(50):
    result = run(words)
print(result)
