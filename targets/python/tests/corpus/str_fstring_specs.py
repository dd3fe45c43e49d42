# f-strings with format specs and conversions.
x = 42
name = "pyrs"
pi = 3.14159
print(f"{x}|{x:>10}|{x:<10}|{x:^10}|{x:*^9}")
print(f"{pi:.3f}|{pi:08.2f}|{pi:10.4f}|")
print(f"{1234567:,}|{1234567.5:,.1f}|{x:x}|{x:X}|{x:o}|{x:b}|{x:#x}|{x:08b}")
print(f"{name!r}|{name!s}|{name:>8}|{name:.2}")
print(f"{x + 1}|{x * 2:5d}|{'nested'}|{[1, 2]}|{(1, 'a')}")
print(f"{x:+d}|{-x:d}|{x:05d}|{-x:05d}")
w = 7
p = 2
print(f"{pi:{w}.{p}f}|")
print(f"{{literal}} {x}")
print(f"{name.upper()} {len(name)} {name[1:3]}")
d = {"k": 5}
print(f"{d['k']} {d}")
print(f"{True} {None} {3 > 2}")
print(f"{2 ** 80:,}")
print(f"{'a':3}|{7:3}|{'b':>3}|")
