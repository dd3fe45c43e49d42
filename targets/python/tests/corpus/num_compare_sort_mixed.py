# Sorting mixtures of ints, floats and bools; big ints against floats.
vals = [3, 2.5, True, -1, 0.0, 10 ** 20, 1e20, -(10 ** 30), 2 ** 63, 9.2e18]
print(sorted(vals))
print(sorted(vals, reverse=True)[:3])
print(10 ** 20 == 1e20, 10 ** 20 + 1 == 1e20, 10 ** 20 + 1 > 1e20)
print(2 ** 63 > 9.2e18, max(vals), min(vals))
print(2 ** 1024 > 1e308, 2 ** 1024 > float("inf"), -(2 ** 1024) < float("-inf"))
print(0.1 < 1 / 9 < 0.2, 1 / 3 == 0.3333333333333333)
