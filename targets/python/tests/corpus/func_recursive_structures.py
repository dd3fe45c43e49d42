# Recursion over nested data: flatten, depth, sum.
def flatten(x):
    if isinstance(x, (list, tuple)):
        out = []
        for v in x:
            out.extend(flatten(v))
        return out
    return [x]
def depth(x):
    if isinstance(x, list):
        return 1 + max([depth(v) for v in x], default=0)
    return 0
def nested_sum(x):
    return sum(nested_sum(v) for v in x) if isinstance(x, list) else x
data = [1, [2, [3, [4, 5]], 6], [[7]], [], 8]
print(flatten(data), depth(data), nested_sum(data))
print(flatten((1, (2, [3]))), depth([]), depth(5), nested_sum([]))
def tree_repr(t, indent=0):
    lines = []
    for k in sorted(t):
        lines.append("  " * indent + k)
        lines.extend(tree_repr(t[k], indent + 1))
    return lines
fs = {"src": {"main.rs": {}, "lib": {"a.rs": {}, "b.rs": {}}}, "Cargo.toml": {}}
print("\n".join(tree_repr(fs)))
