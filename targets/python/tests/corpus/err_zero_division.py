# Uncaught ZeroDivisionError after some output.
def ratio(a, b):
    return a / b
print(ratio(10, 4))
values = [5, 3, 0]
for v in values:
    print(100 // v)
print("not reached")
