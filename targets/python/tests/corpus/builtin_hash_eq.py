# Hash equality for equal numbers and immutable containers.
print(hash(1) == hash(1.0) == hash(True))
print(hash(0) == hash(0.0) == hash(False) == hash(-0.0))
print(hash(2 ** 40) == hash(float(2 ** 40)))
print(hash(-1) == hash(-1.0), hash(7) == 7, hash(-1))
print(hash((1, 2)) == hash((1.0, 2.0)), hash("abc") == hash("ab" + "c"))
print(hash(12345), hash(2 ** 61 - 2), hash(2 ** 61 - 1), hash(2 ** 61), hash(-(2 ** 61)))
print(hash(1.5), hash(0.5), hash(-2.25))
s = {1, 1.0, True}
print(s, len(s))
d = {2: "a"}
d[2.0] = "b"
print(d)
try:
    hash([1])
except TypeError as e:
    print("TypeError", e)
try:
    hash({})
except TypeError as e:
    print("TypeError", e)
