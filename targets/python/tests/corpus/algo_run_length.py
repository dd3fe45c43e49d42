# Run-length encoding and decoding.
def encode(s):
    if not s:
        return []
    out = []
    cur, n = s[0], 1
    for ch in s[1:]:
        if ch == cur:
            n += 1
        else:
            out.append((cur, n))
            cur, n = ch, 1
    out.append((cur, n))
    return out
def decode(pairs):
    return "".join(ch * n for ch, n in pairs)
for s in ["", "a", "aaabccddddd", "abc", "zzzzzzzzzzzz", "aabbaa"]:
    e = encode(s)
    print(repr(s), e, decode(e) == s)
print("".join("%d%s" % (n, c) for c, n in encode("WWWWWWWWWWWWBWWWWWWWWWWWWBBBWWWWWWWWWWWWWWWWWWWWWWWWBWWWWWWWWWWWWWW")))
def look_and_say(s):
    return "".join(str(n) + c for c, n in encode(s))
t = "1"
for _ in range(8):
    t = look_and_say(t)
print(t, len(t))
