# Copying lists: slices, list(), copy(), and nested aliasing.
orig = [1, [2, 3], "s"]
c1 = orig[:]
c2 = list(orig)
c3 = orig.copy()
c1[0] = 100
c2[1].append(4)
print(orig, c1, c2, c3)
print(c1[1] is orig[1], c3 == orig)
def deep_copy(x):
    if isinstance(x, list):
        return [deep_copy(v) for v in x]
    if isinstance(x, dict):
        return {k: deep_copy(v) for k, v in x.items()}
    return x
nested = {"a": [1, {"b": [2]}]}
dc = deep_copy(nested)
dc["a"][1]["b"].append(3)
print(nested, dc)
z = [0] * 3
z2 = z * 2
z2[0] = 9
print(z, z2)
