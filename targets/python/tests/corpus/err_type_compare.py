# Sorting a list of mixed ints and strings fails.
items = [3, 1, 2]
print(sorted(items))
items.append("x")
print(len(items))
items.sort()
print(items)
