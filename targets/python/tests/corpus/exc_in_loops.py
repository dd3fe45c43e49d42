# Exceptions used for control flow inside loops.
data = ["1", "2", "x", "4", "", "6"]
total = 0
bad = []
for s in data:
    try:
        total += int(s)
    except ValueError:
        bad.append(s)
        continue
    finally:
        total += 1000
print(total, bad)
d = {"a": 1}
hits = misses = 0
for k in "abacad":
    try:
        d[k] += 1
        hits += 1
    except KeyError:
        d[k] = 1
        misses += 1
print(d, hits, misses)
vals = [10, 0, 5, 0, 2]
res = []
i = 0
while True:
    try:
        res.append(100 // vals[i])
    except ZeroDivisionError:
        res.append(None)
    except IndexError:
        break
    i += 1
print(res)
