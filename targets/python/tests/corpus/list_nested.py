# Nested lists, aliasing and copying.
grid = [[0] * 3 for _ in range(3)]
grid[1][2] = 5
print(grid)
bad = [[0] * 3] * 3
bad[1][2] = 5
print(bad)
m = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
t = [[row[i] for row in m] for i in range(3)]
print(t)
print([x for row in m for x in row])
print(sum(sum(row) for row in m), max(max(r) for r in m))
print(m[1][::-1], m[-1][-1], [r[1] for r in m])
deep = [1, [2, [3, [4, [5]]]]]
d = deep
depth = 0
while isinstance(d, list):
    depth += 1
    d = d[-1] if len(d) > 1 else d[0]
print(depth, deep)
print([[1, 2], [3]] == [[1, 2], [3]], [[1, 2]] < [[1, 3]])
