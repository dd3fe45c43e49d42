# More string methods and their edge cases.
print("a-b-c".split("-", 0), "".split(","), "".split(), ",".split(","))
print("  x  y  ".split(" "))
print("Hello".index("l"), "Hello".rindex("l"))
try:
    "Hello".index("z")
except ValueError as e:
    print("ValueError", e)
print("abc".encode() if False else "abc", "tEsT".swapcase())
print("one two".title(), "x".join("abc"), "ab".join(["1", "2", "3"]))
print("%s" % "abc".expandtabs() if False else "a\tb".expandtabs(4))
print("aaa".replace("a", "bb"), "aaa".replace("", "-"))
print("Mississippi".count("ss"), "Mississippi".count("i", 5), "Mississippi".find("ss", 3))
print("hello".startswith("ll", 2), "hello".endswith("ll", 0, 4))
print("abc".removeprefix("ab"), "abc".removesuffix("bc"), "abc".removeprefix("x"))
print(str.upper("x"), str(None), str(True), str([1, "a"]))
try:
    "abc" + 1
except TypeError as e:
    print("TypeError", e)
print(isinstance("s", str), type("s").__name__)
