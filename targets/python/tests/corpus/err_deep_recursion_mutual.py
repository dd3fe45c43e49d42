# Mutual recursion without a base case.
def ping(n):
    return pong(n + 1)
def pong(n):
    return ping(n + 1)
print("start")
print(ping(0))
