# An uncaught exception with several args and a custom __str__.
class Fail(Exception):
    def __init__(self, code, why):
        super().__init__(code, why)
        self.code = code
        self.why = why
    def __str__(self):
        return "code %d: %s" % (self.code, self.why)
print(str(Fail(1, "test")))
raise Fail(42, "the answer")
