# Adding None to an int.
def get(d, k):
    return d.get(k)
d = {"x": 1}
print(get(d, "x") + 1)
print(get(d, "y") + 1)
