# split and join round trips, and CSV-like parsing by hand.
line = "name,age,city\nann,30,paris\nbob,25,rome\ncy,,oslo"
rows = [r.split(",") for r in line.split("\n")]
header, data = rows[0], rows[1:]
print(header, data)
records = [dict(zip(header, r)) for r in data]
for rec in records:
    print(rec["name"].title(), rec["age"] or "?", rec["city"].upper())
ages = [int(r["age"]) for r in records if r["age"]]
print(sum(ages) / len(ages))
s = "a  b\tc\n d"
print(s.split(), " ".join(s.split()), "|".join(s.split(" ")))
print("::".join("a::b::c".split("::")) == "a::b::c", "x".join("") == "")
path = "/usr/local/lib/python3.11/site.py"
parts = path.split("/")
print(parts, parts[-1].rsplit(".", 1)[0], "/".join(parts[:-1]))
