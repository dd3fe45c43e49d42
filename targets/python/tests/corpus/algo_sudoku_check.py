# Checking a sudoku grid.
grid = [
    "534678912", "672195348", "198342567",
    "859761423", "426853791", "713924856",
    "961537284", "287419635", "345286179",
]
g = [[int(c) for c in row] for row in grid]
def ok(group):
    return sorted(group) == list(range(1, 10))
rows_ok = all(ok(r) for r in g)
cols_ok = all(ok([g[r][c] for r in range(9)]) for c in range(9))
boxes_ok = all(ok([g[br + r][bc + c] for r in range(3) for c in range(3)]) for br in (0, 3, 6) for bc in (0, 3, 6))
print(rows_ok, cols_ok, boxes_ok)
g[0][0], g[0][1] = g[0][1], g[0][0]
print(all(ok(r) for r in g), all(ok([g[r][c] for r in range(9)]) for c in range(9)))
print(sum(g[i][i] for i in range(9)), [row[4] for row in g])
