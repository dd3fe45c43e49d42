# Validating input with exceptions.
def parse_int_list(s):
    out = []
    errors = []
    for tok in s.split(","):
        tok = tok.strip()
        try:
            out.append(int(tok))
        except ValueError:
            errors.append(tok)
    return out, errors
print(parse_int_list("1, 2, three, 4,, 0x5, -6"))
def safe_div(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        return float("inf") if a > 0 else float("-inf") if a < 0 else float("nan")
    except TypeError as e:
        return "bad: " + str(e)
print(safe_div(1, 2), safe_div(1, 0), safe_div(-1, 0), safe_div(0, 0), safe_div("a", 1))
def get_path(d, path):
    try:
        for k in path.split("."):
            d = d[k]
        return d
    except (KeyError, TypeError) as e:
        return "missing " + type(e).__name__
cfg = {"a": {"b": {"c": 1}}, "x": 5}
print(get_path(cfg, "a.b.c"), get_path(cfg, "a.z"), get_path(cfg, "x.y"))
