# Caesar and Vigenere ciphers.
A = ord("a")
def shift(ch, k):
    if not ch.isalpha():
        return ch
    base = ord("A") if ch.isupper() else A
    return chr((ord(ch) - base + k) % 26 + base)
def caesar(s, k):
    return "".join(shift(c, k) for c in s)
def vigenere(s, key, sign=1):
    out = []
    i = 0
    for c in s:
        if c.isalpha():
            out.append(shift(c, sign * (ord(key[i % len(key)]) - A)))
            i += 1
        else:
            out.append(c)
    return "".join(out)
msg = "Attack at Dawn! The quick brown fox."
c = caesar(msg, 13)
print(c, caesar(c, 13) == msg)
v = vigenere(msg, "lemon")
print(v, vigenere(v, "lemon", -1))
print([caesar("xyz", k) for k in (1, 2, 25, 26, -1)])
