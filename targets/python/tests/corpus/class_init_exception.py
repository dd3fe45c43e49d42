# Exceptions raised in __init__ and validation.
class Account:
    def __init__(self, owner, balance):
        if balance < 0:
            raise ValueError("negative balance: %d" % balance)
        self.owner = owner
        self.balance = balance
    def withdraw(self, amt):
        if amt > self.balance:
            raise RuntimeError("insufficient funds")
        self.balance -= amt
        return self.balance
accts = []
for owner, bal in [("a", 10), ("b", -5), ("c", 0)]:
    try:
        accts.append(Account(owner, bal))
    except ValueError as e:
        print("rejected", owner, e)
print([a.owner for a in accts])
try:
    print(accts[0].withdraw(3), accts[0].withdraw(30))
except RuntimeError as e:
    print("RuntimeError", e, accts[0].balance)
class Bad:
    def __init__(self):
        self.x = 1
        raise KeyError("init")
try:
    Bad()
except KeyError as e:
    print("KeyError", e)
try:
    Account("z")
except TypeError as e:
    print("TypeError", e)
