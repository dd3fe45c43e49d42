# nonlocal at module level.
print("never printed")
nonlocal x
x = 2
print(x)
