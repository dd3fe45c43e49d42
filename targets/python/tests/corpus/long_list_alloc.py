# Allocation in loops: lists and tuples built and dropped 10^5 times.
keep = []
total = 0
for i in range(100000):
    pair = (i, i * 2)
    row = [i, i + 1, i + 2]
    total += pair[1] + row[2]
    if i % 1000 == 0:
        keep.append(row)
print(total, len(keep), keep[-1])
grid = []
for r in range(300):
    grid.append([r * c for c in range(300)])
print(sum(sum(row) for row in grid))
