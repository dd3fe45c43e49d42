# Escape sequences and raw strings.
print("a\tb")
print("line1\nline2")
print("quote: \" and ' and \\")
print('single \' inside')
print(r"raw \n stays", len(r"\n"), len("\n"))
print("\x41\x42\x43", "\101\102", "\u0041")
print(repr("a\nb"), repr("it's"), repr('say "hi"'), repr("both ' and \""))
print(repr("\x00\x7f\x80"), repr("\\"))
s = """multi
line
string"""
print(s, len(s.splitlines()))
print("con" "cat" "enation")
print("bell\a"[:4], len("\a\b\f\v\r"))
