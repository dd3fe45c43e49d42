# Nested dicts and lists like parsed JSON.
db = {
    "users": [
        {"id": 1, "name": "ann", "tags": ["admin", "dev"], "score": 9.5},
        {"id": 2, "name": "bob", "tags": [], "score": 7.25},
        {"id": 3, "name": "cy", "tags": ["dev"], "score": None},
    ],
    "meta": {"version": 2, "ok": True},
}
print(db["meta"], len(db["users"]))
for u in db["users"]:
    print(u["id"], u["name"], ",".join(u["tags"]) or "-", u["score"] if u["score"] is not None else "n/a")
devs = [u["name"] for u in db["users"] if "dev" in u["tags"]]
print(devs)
by_id = {u["id"]: u for u in db["users"]}
by_id[2]["tags"].append("new")
print(db["users"][1])
scores = [u["score"] for u in db["users"] if u["score"] is not None]
print(sum(scores), db)
