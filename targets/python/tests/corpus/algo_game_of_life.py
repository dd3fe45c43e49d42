# Conway's game of life on a small torus.
W, H = 10, 8
cells = {(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)}
def step(live):
    counts = {}
    for (x, y) in live:
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if dx or dy:
                    k = ((x + dx) % W, (y + dy) % H)
                    counts[k] = counts.get(k, 0) + 1
    return {k for k, c in counts.items() if c == 3 or (c == 2 and k in live)}
def show(live):
    for y in range(H):
        print("".join("#" if (x, y) in live else "." for x in range(W)))
for gen in range(4):
    cells = step(cells)
show(cells)
for gen in range(36):
    cells = step(cells)
print(len(cells), sorted(cells))
