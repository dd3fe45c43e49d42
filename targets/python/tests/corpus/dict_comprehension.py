# Dict comprehensions and building dicts.
squares = {i: i * i for i in range(6)}
print(squares)
evens = {k: v for k, v in squares.items() if k % 2 == 0}
print(evens)
inv = {v: k for k, v in squares.items()}
print(inv)
words = ["one", "three", "five", "seven"]
print({w: len(w) for w in words})
print({w[0]: w for w in words})
grid = {(x, y): x * y for x in range(3) for y in range(3) if x != y}
print(grid)
print(len(grid), grid[(2, 1)], grid.get((1, 1), "none"))
nested = {i: {j: i + j for j in range(2)} for i in range(3)}
print(nested)
print(sum(squares.values()), max(squares, key=lambda k: -k))
