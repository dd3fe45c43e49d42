# Converting identifiers between snake_case, camelCase and Title Case.
def to_camel(s):
    parts = s.split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])
def to_snake(s):
    out = ""
    for ch in s:
        if ch.isupper():
            out += "_" + ch.lower()
        else:
            out += ch
    return out.lstrip("_")
for s in ["hello_world", "max_value_of_list", "x", "already"]:
    c = to_camel(s)
    print(s, c, to_snake(c))
print(to_snake("HTTPServerError"), "hello world".title(), "HELLO".capitalize())
print("MiXeD".lower(), "MiXeD".upper(), "MiXeD".swapcase())
words = "the quick brown fox".split()
print(" ".join(w[0].upper() + w[1:] for w in words))
print("".join(w[0] for w in words).upper())
