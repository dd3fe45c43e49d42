# Order of try / except / else / finally.
def run(kind):
    log = []
    try:
        log.append("try")
        if kind == "value":
            raise ValueError("v")
        if kind == "key":
            raise KeyError("k")
        log.append("try-end")
    except ValueError as e:
        log.append("except " + str(e))
    else:
        log.append("else")
    finally:
        log.append("finally")
    log.append("after")
    return log
print(run("none"))
print(run("value"))
try:
    run("key")
except KeyError as e:
    print("escaped", e)
def nested():
    out = []
    try:
        try:
            1 / 0
        finally:
            out.append("inner finally")
    except ZeroDivisionError:
        out.append("outer except")
    return out
print(nested())
