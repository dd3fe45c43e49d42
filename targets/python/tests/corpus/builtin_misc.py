# Assorted builtins: len, bool, abs, round, str/repr, callable, iter/next.
print(len("abc"), len([1, 2]), len({1: 2}), len(range(3)), len((1,)), len(set()))
print(bool(0), bool(0.0), bool(""), bool([]), bool({}), bool(None), bool(1), bool("0"), bool(-0.0))
print(callable(len), callable(5), callable(lambda: 0), callable(str))
it = iter([10, 20, 30])
print(next(it), next(it), next(it), next(it, "done"))
try:
    next(it)
except StopIteration:
    print("StopIteration")
print(repr("x"), repr(1.0), repr([1, "a"]), repr(None), str(1.0))
print(list(iter("ab")), bin(5), oct(9), hex(31))
print(pow(2, 8), divmod(9, 4), abs(-3), round(3.7), max(1, 9))
print(int(), float(), str(), list(), tuple(), dict(), bool())
print(ascii("ok"), format(255, "x"), format(3.5, "08.3f"), format("s", ">4"))
print(any(map(str.isdigit, "ab3")), sorted(map(lambda x: -x, [1, 3, 2])))
