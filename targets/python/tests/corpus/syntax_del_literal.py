# Deleting a literal.
print("never printed")
x = 1
del 5
print(x)
