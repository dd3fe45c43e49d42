# Lists used as stacks and queues; rotating.
stack = []
for i in range(5):
    stack.append(i)
print(stack.pop(), stack.pop(), stack)
queue = list(range(5))
out = []
while queue:
    out.append(queue.pop(0))
    if len(out) == 2:
        queue.append(99)
print(out)
def rotate(xs, k):
    k %= len(xs)
    return xs[-k:] + xs[:-k]
print(rotate([1, 2, 3, 4, 5], 2), rotate([1, 2, 3, 4, 5], -1), rotate([1, 2, 3], 3))
ring = list("abcdef")
for _ in range(3):
    ring.append(ring.pop(0))
print("".join(ring))
def josephus(n, k):
    people = list(range(1, n + 1))
    i = 0
    order = []
    while people:
        i = (i + k - 1) % len(people)
        order.append(people.pop(i))
    return order
print(josephus(7, 3), josephus(10, 2)[-1])
