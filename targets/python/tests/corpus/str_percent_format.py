# printf-style formatting.
print("%s is %d years" % ("Ann", 30))
print("%r %s" % ("x", "x"))
print("%5s|%-5s|%.2s" % ("ab", "ab", "abcdef"))
print("%d%%" % 50)
print("%c%c" % (72, "i"))
print("%s" % [1, 2], "%s" % (1,), "%s %s" % (None, True))
print("%(name)s=%(val)d" % {"name": "x", "val": 3})
print("%+d %+d % d" % (5, -5, 5))
print("%x %o %#x %#o" % (3054, 8, 255, 8))
print("%10.3f|%-10.3f|" % (2.0 / 3, 2.0 / 3))
print("%s" % 2 ** 70, "%d" % 2 ** 70)
print("%d" % 3.9, "%s" % 3.9)
try:
    print("%d" % "x")
except TypeError as e:
    print("TypeError", e)
try:
    print("%s %s" % ("one",))
except TypeError as e:
    print("TypeError", e)
