# The math module basics.
import math
print(math.pi, math.e)
print(math.sqrt(2), math.sqrt(16), math.sqrt(0.25))
print(math.floor(2.7), math.floor(-2.7), math.ceil(2.1), math.ceil(-2.1))
print(math.floor(5), math.ceil(5), type(math.floor(2.5)).__name__)
print(math.trunc(-3.7), math.trunc(3.7))
print(math.fabs(-4), math.pow(2, 10), math.exp(0), math.log(1))
print(math.log(math.e), math.log(8, 2), math.log10(1000), math.log2(1024))
print(math.sin(0), math.cos(0), math.atan2(1, 1) * 4)
print(math.hypot(3, 4), math.gcd(12, 18), math.factorial(20))
print(math.isclose(0.1 + 0.2, 0.3), math.inf, -math.inf)
try:
    math.sqrt(-1)
except ValueError as e:
    print("ValueError", e)
print(round(math.degrees(math.pi), 6), round(math.radians(180), 6))
