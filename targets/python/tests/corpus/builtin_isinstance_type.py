# isinstance, type and type names.
vals = [1, 1.5, "s", [1], (1,), {1: 2}, {1}, None, True, range(2), 2 ** 80]
for v in vals:
    print(type(v).__name__, isinstance(v, int), isinstance(v, (list, tuple)))
print(isinstance(True, int), isinstance(1, bool), type(True) is bool, type(1) is int)
print(isinstance(1, (str, float)), isinstance(1.0, float), type(None).__name__)
print(type(1) == type(2), type(1) == type(1.0), type([]) is list)
print(int, str, list, type(3))
class A:
    pass
class B(A):
    pass
print(isinstance(B(), A), isinstance(A(), B), issubclass(B, A), issubclass(A, B), issubclass(bool, int))
print(type(B()).__name__, B.__name__, A.__name__)
