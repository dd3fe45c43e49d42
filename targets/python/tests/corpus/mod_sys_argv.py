# sys.argv and other sys bits.
import sys
print(len(sys.argv), sys.argv[0])
print(sys.argv[1:])
print(sys.maxsize == 2 ** 63 - 1, type(sys.maxsize).__name__)
print(sys.version_info[0], sys.version_info.major >= 3)
print(sys.getrecursionlimit() >= 1000)
sys.stdout.write("via stdout\n")
print(sys.byteorder in ("little", "big"))
print(type(sys.path).__name__, isinstance(sys.argv, list))
