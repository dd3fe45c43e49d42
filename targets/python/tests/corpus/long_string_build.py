# String building and scanning over many iterations.
parts = []
for i in range(100000):
    parts.append(str(i % 97))
s = "".join(parts)
print(len(s), s[:20], s[-20:])
count7 = 0
for ch in s:
    if ch == "7":
        count7 += 1
print(count7, s.count("7"))
acc = ""
for i in range(20000):
    acc += chr(97 + i % 26)
print(len(acc), acc[-26:], acc.count("z"))
words = [("x" * (i % 10)) + str(i) for i in range(50000)]
print(sum(len(w) for w in words))
