# Small Ackermann values and other deep-ish recursion.
def ack(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ack(m - 1, 1)
    return ack(m - 1, ack(m, n - 1))
for m in range(3):
    print([ack(m, n) for n in range(5)])
print(ack(2, 3), ack(3, 3))
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
print(depth(400))
def hanoi(n, a, b, c, moves):
    if n == 0:
        return
    hanoi(n - 1, a, c, b, moves)
    moves.append((a, c))
    hanoi(n - 1, b, a, c, moves)
mv = []
hanoi(4, "A", "B", "C", mv)
print(len(mv), mv[:5])
