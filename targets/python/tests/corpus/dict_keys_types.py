# Keys of mixed hashable types; equal int/float keys collide.
d = {1: "int", 2.5: "float", "s": "str", (1, 2): "tuple", None: "none", True: "bool?"}
print(d)
print(d[1], d[1.0], d[True])
d[1.0] = "float one"
print(d[1], list(d.keys())[0])
e = {}
e[0] = "a"
e[0.0] = "b"
e[False] = "c"
print(e, len(e))
try:
    e[[1]] = 2
except TypeError as e2:
    print("TypeError", e2)
try:
    print(d["missing"])
except KeyError as err:
    print("KeyError", err)
try:
    print(d[(9,)])
except KeyError as err:
    print("KeyError", err)
print(hash(1) == hash(1.0), hash(0) == hash(-0.0), hash(2 ** 70) == hash(float(2 ** 70)))
