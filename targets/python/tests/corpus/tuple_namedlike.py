# Tuples as lightweight records; sorting by fields.
people = [("ann", 31, "paris"), ("bob", 25, "rome"), ("cy", 31, "oslo"), ("di", 19, "rome")]
NAME, AGE, CITY = 0, 1, 2
print(sorted(people, key=lambda p: p[AGE]))
print(sorted(people, key=lambda p: (-p[AGE], p[NAME])))
by_city = {}
for p in people:
    by_city.setdefault(p[CITY], []).append(p[NAME])
print(by_city)
oldest = max(people, key=lambda p: p[AGE])
print(oldest, oldest[NAME])
for name, age, city in people:
    if age > 20:
        print(f"{name:>4} {age:3d} {city}")
print(tuple(p[NAME] for p in people), sum(p[AGE] for p in people) / len(people))
