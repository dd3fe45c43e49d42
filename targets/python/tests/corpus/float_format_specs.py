# Float formatting with format specs.
x = 3.14159265
print(f"{x:.3f}|{x:10.2f}|{x:<10.1f}|{x:^10.0f}|{x:08.2f}")
print(f"{x:e}|{x:.2e}|{x:g}|{1e-10:g}|{123456789.0:g}")
print(f"{-x:+.2f}|{x:+.2f}|{x: .2f}")
print(f"{0.5:%}|{0.125:.1%}")
print(f"{1234567.891:,.2f}|{1234567:,}|{-9876543210:,}")
print("%.2f %5.1f %-8.3f| %e %g" % (x, x, x, x, x))
print("%d %i %5d %-5d| %05d %x %X %o" % (42, -7, 3, 3, 42, 255, 255, 8))
print(format(2.5, ".0f"), format(3.5, ".0f"), format(0.125, ".2f"))
print(format(1e16, ".1f"), format(1 / 3, ".15f"))
print(str(1e16), str(1e15), str(123e-9))
print("{:.3}".format(3.14159), "{:10.4}|".format(2.0 / 3))
