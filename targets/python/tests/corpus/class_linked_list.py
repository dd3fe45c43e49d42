# A linked list built from objects.
class Node:
    def __init__(self, val, nxt=None):
        self.val = val
        self.next = nxt
class LinkedList:
    def __init__(self):
        self.head = None
        self.size = 0
    def push(self, v):
        self.head = Node(v, self.head)
        self.size += 1
    def reverse(self):
        prev, cur = None, self.head
        while cur is not None:
            cur.next, prev, cur = prev, cur, cur.next
        self.head = prev
    def to_list(self):
        out = []
        n = self.head
        while n:
            out.append(n.val)
            n = n.next
        return out
    def __len__(self):
        return self.size
ll = LinkedList()
for i in range(8):
    ll.push(i * i)
print(ll.to_list(), len(ll))
ll.reverse()
print(ll.to_list())
print(sum(ll.to_list()), ll.head.val, ll.head.next.next.val)
