# try/finally as resource cleanup, with nested acquisitions.
log = []
class Resource:
    def __init__(self, name, fail=False):
        self.name = name
        if fail:
            raise IOError("cannot open " + name)
        log.append("open " + name)
    def close(self):
        log.append("close " + self.name)
def use(names, fail_at=None):
    opened = []
    try:
        for n in names:
            opened.append(Resource(n, fail=(n == fail_at)))
        return "used " + ",".join(r.name for r in opened)
    except OSError as e:
        return "error: " + str(e)
    finally:
        for r in reversed(opened):
            r.close()
print(use(["a", "b"]))
print(use(["a", "b", "c"], fail_at="b"))
print(log)
print(IOError is OSError, type(IOError("x")).__name__)
