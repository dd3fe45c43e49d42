# Spiral order and rotation of a matrix.
def spiral(m):
    out = []
    top, bot, left, right = 0, len(m) - 1, 0, len(m[0]) - 1
    while top <= bot and left <= right:
        for j in range(left, right + 1):
            out.append(m[top][j])
        top += 1
        for i in range(top, bot + 1):
            out.append(m[i][right])
        right -= 1
        if top <= bot:
            for j in range(right, left - 1, -1):
                out.append(m[bot][j])
            bot -= 1
        if left <= right:
            for i in range(bot, top - 1, -1):
                out.append(m[i][left])
            left += 1
    return out
m = [[r * 4 + c for c in range(4)] for r in range(3)]
print(spiral(m))
rot = [list(row) for row in zip(*m[::-1])]
print(rot)
print(spiral([[1]]), spiral([[1, 2, 3]]), spiral([[1], [2], [3]]))
