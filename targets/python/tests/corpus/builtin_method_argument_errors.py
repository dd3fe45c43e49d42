# Wrong argument counts and argument types of built-in methods: python3's messages.
cases = {
 "str": ("abc", ["capitalize","lower","upper","strip","lstrip","rstrip","splitlines","expandtabs","split","rsplit","partition","rpartition","removeprefix","removesuffix","zfill","join","ljust","rjust","center","find","rfind","index","rindex","count","startswith","endswith","replace"]),
 "list": ([1], ["clear","copy","reverse","pop","append","extend","remove","count","index","insert"]),
 "tuple": ((1,), ["index","count"]),
 "dict": ({1: 2}, ["keys","values","items","copy","clear","popitem","get","pop","setdefault","update"]),
 "set": ({1}, ["copy","clear","pop","add","remove","discard","issubset","issuperset","isdisjoint","symmetric_difference"]),
}
for ty, (v, names) in cases.items():
    for n in names:
        for k in (0, 1, 2, 3, 4):
            try:
                getattr(v if ty not in ("list","dict","set") else type(v)(v), n)(*(["a"] * k) if ty == "str" else [0] * k)
            except TypeError as e:
                print(ty, n, k, e)
            except Exception as e:
                pass
# Sort keys that are tuples: ties on the first field go on to the next one.
print(sorted([(2, "b"), (1, "z"), (2, "a"), (1, "a"), (0.5, "q"), (True, "t")]))
print(sorted(["b", "a", "c"], key=lambda s: (len(s), s), reverse=True))
print("x\ny".splitlines(1), "a\tb".expandtabs(4))
# Bounds of the find family are slice bounds: huge ints are clamped.
print("abc".find("a", 10 ** 30), "abc".find("c", -10 ** 30), "abc".startswith("b", 1, 10 ** 20))
print("abc".count("", 0, 2 ** 100), "abc".rfind("b", None, 2 ** 70))
