# inf, nan and negative zero.
inf = float("inf")
nan = float("nan")
print(inf, -inf, nan, -nan)
print(inf + 1, inf - inf, inf * 0, inf / 1e308)
print(nan == nan, nan != nan, nan < 1, nan > 1, inf == inf)
print(1e308 * 10, -1e308 * 10)
z = -0.0
print(z, -z, z + 0.0, z * 1, 0.0 * -1)
print(1 / inf, -1 / inf)
print(max(1.0, inf), min(-inf, 0.0))
print(abs(-inf), abs(nan))
vals = [3.0, inf, -inf, 0.0, -1.5]
print(sorted(vals))
import math
print(math.isnan(nan), math.isinf(-inf), math.isinf(nan), math.isnan(1.0))
print(math.copysign(1.0, -0.0), math.copysign(2.0, 0.0))
