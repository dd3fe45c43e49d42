# Greedy word wrapping and justified text.
text = ("The quick brown fox jumps over the lazy dog while the cat watches "
        "from the warm windowsill and wonders why anyone would run at all")
def wrap(s, width):
    lines, cur = [], ""
    for w in s.split():
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = cur + " " + w if cur else w
    if cur:
        lines.append(cur)
    return lines
def justify(line, width):
    words = line.split()
    if len(words) == 1:
        return line.ljust(width)
    gaps = len(words) - 1
    spaces = width - sum(len(w) for w in words)
    out = ""
    for i, w in enumerate(words[:-1]):
        out += w + " " * (spaces // gaps + (1 if i < spaces % gaps else 0))
    return out + words[-1]
for ln in wrap(text, 28):
    print("|" + justify(ln, 28) + "|")
print(len(wrap(text, 10)), wrap("", 5), wrap("supercalifragilistic", 5))
