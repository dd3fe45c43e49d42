# Iterating dict views; modifying a dict during iteration raises.
d = {"one": 1, "two": 2, "three": 3}
ks = d.keys()
vs = d.values()
its = d.items()
d["four"] = 4
print(list(ks), list(vs), list(its), len(ks))
print("two" in ks, 3 in vs, ("one", 1) in its)
for k in list(d):
    if d[k] % 2 == 0:
        del d[k]
print(d)
try:
    for k in d:
        d[k + "!"] = 0
except RuntimeError as e:
    print("RuntimeError", e)
print(sorted(d.items(), key=lambda kv: kv[1]))
total = 0
for k, v in d.items():
    total += len(k) * v
print(total, [k for k, v in d.items() if v > 1])
