# Sets of strings print in hash order, so sort them before printing.
words = "the cat sat on the mat with the hat".split()
uniq = set(words)
print(len(uniq), sorted(uniq))
print("cat" in uniq, "dog" in uniq)
vowels = set("aeiou")
text = "programming language"
found = vowels & set(text)
print(sorted(found))
print(sorted(set(text) - vowels - {" "}))
a = {"x", "y"}
b = {"y", "z"}
print(sorted(a | b), sorted(a & b), sorted(a ^ b))
seen = set()
out = []
for w in words:
    if w not in seen:
        seen.add(w)
        out.append(w)
print(out)
print(sorted(frozenset(["b", "a"])), frozenset([1]) == frozenset([1]))
