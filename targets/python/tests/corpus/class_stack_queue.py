# Stack and queue classes used for bracket matching and BFS.
class Stack:
    def __init__(self):
        self.items = []
    def push(self, x):
        self.items.append(x)
    def pop(self):
        return self.items.pop()
    def empty(self):
        return not self.items
def balanced(s):
    pairs = {")": "(", "]": "[", "}": "{"}
    st = Stack()
    for ch in s:
        if ch in "([{":
            st.push(ch)
        elif ch in pairs:
            if st.empty() or st.pop() != pairs[ch]:
                return False
    return st.empty()
for s in ["()", "([]{})", "(]", "((", "", "{[()()]}", "}"]:
    print(repr(s), balanced(s))
graph = {1: [2, 3], 2: [4], 3: [4, 5], 4: [6], 5: [6], 6: []}
def bfs(start):
    dist = {start: 0}
    queue = [start]
    head = 0
    while head < len(queue):
        n = queue[head]
        head += 1
        for m in graph[n]:
            if m not in dist:
                dist[m] = dist[n] + 1
                queue.append(m)
    return dist
print(bfs(1))
