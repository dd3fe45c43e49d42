# A syntax error: the whole file fails before anything runs.
print("this is never printed")
x = 1 +
print(x)
