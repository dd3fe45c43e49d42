# Raising a bare exception class without a message.
def check(x):
    if x > 2:
        raise ValueError
    return x
for i in range(5):
    print(check(i))
