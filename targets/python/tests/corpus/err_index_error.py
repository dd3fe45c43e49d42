# Uncaught IndexError in a nested function call.
def last(xs):
    return xs[len(xs)]
print(last.__name__)
data = [1, 2, 3]
print(data[-1])
print(last(data))
