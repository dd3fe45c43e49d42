# Building strings in loops.
s = ""
for i in range(10):
    s += str(i)
print(s, len(s))
parts = []
for i in range(5):
    parts.append("item%d" % i)
print(",".join(parts))
acc = ""
for word in "the quick brown fox".split():
    acc = word + " " + acc
print(acc.strip())
rows = []
for r in range(1, 4):
    rows.append(" ".join(str(r * c).rjust(3) for c in range(1, 6)))
print("\n".join(rows))
caesar = "".join(chr((ord(c) - 97 + 3) % 26 + 97) if c.isalpha() else c for c in "hello, world")
print(caesar)
print("".join(reversed("stressed")))
