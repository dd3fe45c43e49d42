# Int keys that collide in small hash tables still behave.
d = {}
for i in range(0, 800, 8):
    d[i] = i // 8
print(len(d), d[0], d[792], 800 in d)
for i in range(0, 800, 16):
    del d[i]
print(len(d), list(d)[:5], sum(d.values()))
for i in range(0, 800, 16):
    d[i] = -1
print(len(d), list(d)[-3:])
big = {2 ** 64 + i: i for i in range(5)}
big[2 ** 64] = "x"
print(big)
neg = {-i: i for i in range(5)}
print(neg, neg[-1], neg[0])
print({-1: "a", -2: "b"}[-2])
