# A bare raise inside except propagates the original exception.
def risky(x):
    return 10 // x
for x in [5, 2, 0]:
    try:
        print(risky(x))
    except ZeroDivisionError:
        print("logging failure for", x)
        raise
