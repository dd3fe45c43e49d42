# Union-find with path compression.
parent = list(range(20))
rank = [0] * 20
def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
def union(a, b):
    ra, rb = find(a), find(b)
    if ra == rb:
        return False
    if rank[ra] < rank[rb]:
        ra, rb = rb, ra
    parent[rb] = ra
    if rank[ra] == rank[rb]:
        rank[ra] += 1
    return True
edges = [(0, 1), (2, 3), (1, 3), (4, 5), (5, 6), (6, 4), (7, 8), (10, 11), (0, 2), (12, 19)]
print([union(a, b) for a, b in edges])
groups = {}
for i in range(20):
    groups.setdefault(find(i), []).append(i)
print(sorted(groups.values()))
print(len(groups), find(3) == find(0), find(7) == find(4))
