# Merging dicts with update, | and unpacking.
a = {"x": 1, "y": 2}
b = {"y": 20, "z": 30}
print({**a, **b}, {**b, **a})
print(a | b, b | a)
c = dict(a)
c |= b
print(c, a)
c.update(w=0)
print(c)
defaults = {"color": "red", "size": 10, "debug": False}
user = {"size": 12}
cfg = {**defaults, **user}
print(cfg)
counts = {}
for d in [{"a": 1}, {"a": 2, "b": 1}, {"b": 5, "c": 1}]:
    for k, v in d.items():
        counts[k] = counts.get(k, 0) + v
print(counts)
print(dict(sorted(counts.items(), key=lambda kv: -kv[1])))
