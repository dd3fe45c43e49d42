# String indexing and slicing.
s = "abcdefghij"
print(s[0], s[-1], s[3], s[-3])
print(s[2:5], s[:3], s[7:], s[-3:], s[:-3], s[:])
print(s[::2], s[1::2], s[::-1], s[::-2], s[8:2:-2], s[-1:-4:-1])
print(s[5:2], s[100:], s[-100:3], s[3:100])
print(repr(s[10:]), len(s[::3]))
for i in range(-3, 3):
    print(i, s[i:], s[:i])
try:
    print(s[10])
except IndexError as e:
    print("IndexError", e)
word = "racecar"
print(word == word[::-1], "python"[::-1])
