# A binary search tree: insert, search, traversals, height.
class Node:
    def __init__(self, key):
        self.key = key
        self.left = None
        self.right = None
class BST:
    def __init__(self):
        self.root = None
    def insert(self, key):
        if self.root is None:
            self.root = Node(key)
            return
        n = self.root
        while True:
            if key < n.key:
                if n.left is None:
                    n.left = Node(key)
                    return
                n = n.left
            else:
                if n.right is None:
                    n.right = Node(key)
                    return
                n = n.right
    def inorder(self, n, out):
        if n:
            self.inorder(n.left, out)
            out.append(n.key)
            self.inorder(n.right, out)
        return out
    def height(self, n):
        return 0 if n is None else 1 + max(self.height(n.left), self.height(n.right))
    def __contains__(self, key):
        n = self.root
        while n and n.key != key:
            n = n.left if key < n.key else n.right
        return n is not None
t = BST()
for k in [50, 30, 70, 20, 40, 60, 80, 35, 45, 65]:
    t.insert(k)
print(t.inorder(t.root, []), t.height(t.root), 45 in t, 55 in t)
