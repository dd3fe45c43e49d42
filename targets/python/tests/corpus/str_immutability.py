# Strings are immutable; operations return new strings.
s = "hello"
t = s
s += " world"
print(s, t)
try:
    s[0] = "H"
except TypeError as e:
    print("TypeError", e)
u = s.upper()
print(s, u)
chars = list(s)
chars[0] = "J"
print("".join(chars), s)
r = s.replace("o", "0")
print(r, s)
print(s[:5] + "!" + s[5:])
words = s.split()
words.reverse()
print(" ".join(words), s)
