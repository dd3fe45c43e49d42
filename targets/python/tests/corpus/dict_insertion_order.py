# Dicts keep insertion order, also after delete and re-insert.
d = {}
for k in ["zebra", "apple", "mango", "kiwi"]:
    d[k] = len(k)
print(d)
print(list(d), list(d.keys()), list(d.values()), list(d.items()))
del d["apple"]
print(d)
d["apple"] = 0
print(d)
d["zebra"] = 99
print(d)
d.pop("mango")
d["mango"] = 1
print(list(d))
e = {3: "c", 1: "a", 2: "b"}
print(e, sorted(e), sorted(e.items()))
e.update({0: "z", 3: "C"})
print(e)
f = dict(a=1, b=2)
f.update([("c", 3)], d=4)
print(f)
print(dict(zip("xyz", range(3))), dict([(1, 2), (3, 4)]))
