# ValueError from list.remove of a missing item.
items = ["a", "b", "c"]
items.remove("b")
print(items)
items.remove("z")
