# while/else and for/else with break.
def find(xs, target):
    for i, x in enumerate(xs):
        if x == target:
            print("found", target, "at", i)
            break
    else:
        print(target, "not found")
find([4, 5, 6], 5)
find([4, 5, 6], 7)
find([], 1)
n = 0
while n < 3:
    n += 1
else:
    print("while finished normally", n)
while True:
    n += 1
    if n > 5:
        break
else:
    print("never printed")
print("n =", n)
for p in range(2, 30):
    for d in range(2, p):
        if p % d == 0:
            break
    else:
        print(p, end=" ")
print()
