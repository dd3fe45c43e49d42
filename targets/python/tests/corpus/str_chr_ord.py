# chr and ord round trips.
for c in "Az09 ~":
    print(repr(c), ord(c), chr(ord(c)) == c)
codes = [ord(c) for c in "Python"]
print(codes, sum(codes))
print("".join(chr(c + 1) for c in codes))
print(chr(97) + chr(98), chr(0x263A), ord("\n"))
alphabet = "".join(chr(i) for i in range(ord("a"), ord("z") + 1))
print(alphabet, len(alphabet))
try:
    ord("ab")
except TypeError as e:
    print("TypeError", e)
try:
    chr(-1)
except ValueError as e:
    print("ValueError", e)
