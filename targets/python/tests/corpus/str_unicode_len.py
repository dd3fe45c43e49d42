# Non-ASCII strings: len counts code points.
s = "héllo wörld"
print(s, len(s), s.upper(), s[1], s[::-1])
e = "日本語テキスト"
print(e, len(e), e[2], e[1:4])
em = "a😀b"
print(len(em), em[1], em[2], ord(em[1]))
print("ß".upper(), "ÄÖÜ".lower(), "Straße".casefold() if False else "Straße".lower())
print(chr(233), chr(0x65e5), ord("é"), ord("€"), hex(ord("😀")))
print("é" in s, s.find("w"), s.index("ö"))
print([c for c in "añb"], list(reversed("añb")))
print("\u00e9" == "é", "\N{GREEK SMALL LETTER ALPHA}", "\U0001F600" == "😀")
print(repr("tab\there"), repr("é"), repr("日"), ascii("é"))
print(sorted(["é", "e", "z", "a", "É"]))
print("-".join("αβγ"), "αβγ" * 2, len("αβγ" * 2))
