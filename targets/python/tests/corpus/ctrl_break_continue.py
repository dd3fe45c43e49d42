# break and continue in nested loops.
out = []
for i in range(5):
    if i == 1:
        continue
    for j in range(5):
        if j > i:
            break
        if (i + j) % 2:
            continue
        out.append((i, j))
print(out)
count = 0
i = 0
while i < 20:
    i += 1
    if i % 3 == 0:
        continue
    if i > 15:
        break
    count += i
print(count, i)
found = None
for a in range(1, 20):
    for b in range(a, 20):
        if a * a + b * b == 13 * 13:
            found = (a, b)
            break
    if found:
        break
print(found)
