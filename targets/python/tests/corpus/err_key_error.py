# Uncaught KeyError.
d = {"a": 1, "b": 2}
for k in ["a", "b"]:
    print(k, d[k])
print(d["k"])
