# Searching with loop-else across nested data.
inventory = {"fruit": ["apple", "pear"], "veg": ["kale", "leek"], "nuts": []}
def locate(item):
    for cat, items in inventory.items():
        for i, it in enumerate(items):
            if it == item:
                return cat, i
    return None
for item in ["pear", "leek", "fig"]:
    print(item, locate(item))
for cat in inventory:
    for it in inventory[cat]:
        if it.startswith("k"):
            print("first k-item:", it, "in", cat)
            break
    else:
        print("no k-item in", cat)
attempts = 0
while attempts < 5:
    attempts += 1
    if attempts * attempts > 10:
        print("stopped at", attempts)
        break
else:
    print("exhausted")
