# __eq__, __lt__ and friends; sorting objects.
class Version:
    def __init__(self, s):
        self.parts = tuple(int(p) for p in s.split("."))
    def __eq__(self, other):
        return isinstance(other, Version) and self.parts == other.parts
    def __lt__(self, other):
        return self.parts < other.parts
    def __le__(self, other):
        return self.parts <= other.parts
    def __repr__(self):
        return "V" + ".".join(map(str, self.parts))
vs = [Version(s) for s in ["1.10", "1.2", "1.2.1", "0.9", "1.2"]]
print(sorted(vs))
print(vs[1] == vs[4], vs[1] != vs[0], vs[1] is vs[4], vs[0] == "1.10")
print(vs[3] < vs[0], vs[0] > vs[3], vs[1] <= vs[4], max(vs), min(vs))
print(Version("2.0") in vs, Version("1.2") in vs, vs.count(Version("1.2")), vs.index(Version("1.2.1")))
class NoEq:
    pass
a = NoEq()
print(a == a, a == NoEq(), a != NoEq())
try:
    NoEq() < NoEq()
except TypeError as e:
    print("TypeError", e)
