# Counting character classes.
text = "Hello, World! 123 Python 3.11 -- naïve café"
counts = {"upper": 0, "lower": 0, "digit": 0, "space": 0, "other": 0}
for ch in text:
    if ch.isupper():
        counts["upper"] += 1
    elif ch.islower():
        counts["lower"] += 1
    elif ch.isdigit():
        counts["digit"] += 1
    elif ch.isspace():
        counts["space"] += 1
    else:
        counts["other"] += 1
print(counts, sum(counts.values()) == len(text))
letters = {}
for ch in text.lower():
    if ch.isalpha():
        letters[ch] = letters.get(ch, 0) + 1
print(sorted(letters.items(), key=lambda kv: (-kv[1], kv[0]))[:6])
print(len(text), len(text.encode("utf-8")) if False else len(text.split()))
print(max(text.split(), key=len), text.count("l"), text.lower().count("o"))
