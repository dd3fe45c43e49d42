# assert statements.
def check(x):
    assert x > 0, "x must be positive, got %d" % x
    return x * 2
print(check(5))
try:
    check(-1)
except AssertionError as e:
    print("AssertionError", e)
try:
    assert 1 == 2
except AssertionError as e:
    print("bare", repr(str(e)), e.args)
assert True
assert [1], "non-empty list is truthy"
try:
    assert [], ["message", "list"]
except AssertionError as e:
    print(e.args[0])
