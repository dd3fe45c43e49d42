# time is used only in ways whose output does not depend on the clock.
import time
t0 = time.time()
total = 0
for i in range(1000):
    total += i
t1 = time.time()
print(total, t1 >= t0, type(t0).__name__)
p0 = time.perf_counter()
p1 = time.perf_counter()
print(p1 >= p0, isinstance(p1 - p0, float))
m = time.monotonic()
print(m >= 0)
