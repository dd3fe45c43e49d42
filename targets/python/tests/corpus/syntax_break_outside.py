# break outside a loop.
print("never printed")
x = 3
if x > 2:
    break
