# User-defined exception classes with args.
class AppError(Exception):
    pass
class NotFound(AppError):
    def __init__(self, name):
        super().__init__("not found: " + name)
        self.name = name
class Invalid(AppError):
    def __init__(self, field, value):
        self.field = field
        self.value = value
    def __str__(self):
        return "%s=%r is invalid" % (self.field, self.value)
def lookup(name):
    if name.startswith("x"):
        raise Invalid("name", name)
    if name != "ok":
        raise NotFound(name)
    return 1
for n in ["ok", "missing", "xray"]:
    try:
        print(lookup(n))
    except NotFound as e:
        print("NotFound", e, e.name, e.args)
    except AppError as e:
        print(type(e).__name__, e, isinstance(e, Exception))
e = AppError("a", 1, [2])
print(e.args, str(e), repr(e))
print(str(AppError()), repr(AppError("x")), str(AppError(5)))
try:
    raise AppError
except AppError as e:
    print("class raised", repr(e))
