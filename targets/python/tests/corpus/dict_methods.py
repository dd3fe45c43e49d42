# get, setdefault, pop, popitem, items, in.
d = {"a": 1, "b": 2}
print(d.get("a"), d.get("z"), d.get("z", 0), "a" in d, "z" not in d, 1 in d)
print(d.setdefault("c", 3), d.setdefault("a", 100), d)
print(d.pop("b"), d.pop("b", "gone"), d)
print(d.popitem(), d)
d.clear()
print(d, len(d))
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(counts)
groups = {}
for w in ["ant", "bee", "ape", "bat", "cow"]:
    groups.setdefault(w[0], []).append(w)
print(groups)
for k, v in groups.items():
    print(k, v)
print(dict.fromkeys([1, 2, 3], 0), dict.fromkeys("ab"))
c = counts.copy()
c["m"] = 100
print(counts["m"], c["m"])
try:
    d.pop("nope")
except KeyError as e:
    print("KeyError", e)
try:
    {}.popitem()
except KeyError as e:
    print("KeyError", e)
