# Augmented assignment operators.
x = 10
x += 5; print(x)
x -= 3; print(x)
x *= 4; print(x)
x //= 5; print(x)
x %= 7; print(x)
x **= 10; print(x)
x <<= 3; print(x)
x >>= 2; print(x)
x &= 0xFFFF; print(x)
x |= 0x10000; print(x)
x ^= 0x3; print(x)
y = 7
y /= 2; print(y)
lst = [1, 2]
alias = lst
lst += [3]
print(lst, alias, lst is alias)
t = (1, 2)
t2 = t
t += (3,)
print(t, t2)
s = "ab"
s *= 3
print(s)
