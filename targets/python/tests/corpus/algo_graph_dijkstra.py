# Dijkstra's shortest paths with a list-based priority queue, and a topological sort.
graph = {"a": [("b", 7), ("c", 9), ("f", 14)], "b": [("a", 7), ("c", 10), ("d", 15)],
         "c": [("a", 9), ("b", 10), ("d", 11), ("f", 2)], "d": [("b", 15), ("c", 11), ("e", 6)],
         "e": [("d", 6), ("f", 9)], "f": [("a", 14), ("c", 2), ("e", 9)]}
def dijkstra(src):
    dist = {src: 0}
    prev = {}
    todo = [(0, src)]
    done = set()
    while todo:
        todo.sort()
        d, u = todo.pop(0)
        if u in done:
            continue
        done.add(u)
        for v, w in graph[u]:
            if v not in dist or d + w < dist[v]:
                dist[v] = d + w
                prev[v] = u
                todo.append((d + w, v))
    return dist, prev
dist, prev = dijkstra("a")
print(sorted(dist.items()))
node, path = "e", []
while node != "a":
    path.append(node)
    node = prev[node]
print("->".join(["a"] + path[::-1]))
deps = {"app": ["lib", "log"], "lib": ["core"], "log": ["core"], "core": [], "test": ["app"]}
order, seen = [], set()
def visit(n):
    if n not in seen:
        seen.add(n)
        for m in deps[n]:
            visit(m)
        order.append(n)
for n in sorted(deps):
    visit(n)
print(order)
