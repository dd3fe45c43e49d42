# Membership, repetition, concatenation and comparison.
s = "hello"
print("ell" in s, "xyz" in s, "" in s, "h" not in s)
print(s * 3, 3 * "ab", "x" * 0, "y" * -2)
print(s + " " + "world")
print("apple" < "banana", "apple" < "Apple", "abc" < "abd", "ab" < "abc", "" < "a")
print("Z" < "a", max("hello"), min("hello"), sorted("banana"))
print("abc" == "abc", "abc" != "ABC".lower())
parts = []
for ch in "abc":
    parts.append(ch * 2)
print(parts, "".join(parts))
line = "=" * 20
print(line)
print(list("xyz"), tuple("ab"))
