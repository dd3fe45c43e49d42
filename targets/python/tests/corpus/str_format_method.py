# str.format with positional, named and indexed fields.
print("{} + {} = {}".format(1, 2, 3))
print("{0} {1} {0}".format("a", "b"))
print("{name} is {age}".format(name="Ann", age=30))
print("{0[1]} {1[k]} {2.real}".format([10, 20], {"k": "v"}, 5))
print("{:>6}|{:<6}|{:^6}|".format("r", "l", "c"))
print("{:06.2f} {:+d} {:x} {:,}".format(3.14159, 7, 255, 10 ** 7))
print("{!r} {!s}".format("q", "q"))
print("{{}} {}".format("braces"))
rows = [("alpha", 1, 0.5), ("beta", 22, 12.25), ("gamma", 333, 100.0)]
for r in rows:
    print("{:<8}|{:>5}|{:>8.2f}".format(*r))
print("{:=^20}".format(" title "))
print("{0:b} {0:o} {0:x} {0:X} {0:#b}".format(42))
print("{:.1%} {:e}".format(0.256, 12345.678))
