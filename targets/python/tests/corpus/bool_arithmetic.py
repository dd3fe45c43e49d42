# bool is a subclass of int.
print(True + True, True * 3, True - False, -True, ~True, True / 2, True // 1)
print(sum([True, False, True, True]), max(True, 2), True ** 10)
print(True == 1, False == 0, isinstance(True, int), type(True + 0).__name__)
print(True & False, True | False, True ^ True, type(True & True).__name__, type(True + True).__name__)
flags = [x > 2 for x in range(6)]
print(flags, flags.count(True), sum(flags))
print(["no", "yes"][True], ["no", "yes"][3 > 5])
print(str(True), repr(False), int(True), float(False), bool("False"))
print(hash(True), {True: "a", 1: "b"})
print(True < 2, False < True, sorted([True, 0, -1, False]))
print(f"{True:d} {True} {False!r} {True:>6}")
