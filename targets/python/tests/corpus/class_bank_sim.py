# A small bank simulation with inheritance and exceptions.
class InsufficientFunds(Exception):
    pass
class Account:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
        self.history = []
    def deposit(self, amt):
        self.balance += amt
        self.history.append(("dep", amt))
    def withdraw(self, amt):
        if amt > self.balance:
            raise InsufficientFunds("%s has %d, needs %d" % (self.owner, self.balance, amt))
        self.balance -= amt
        self.history.append(("wd", amt))
class Savings(Account):
    rate = 0.05
    def add_interest(self):
        interest = round(self.balance * self.rate, 2)
        self.deposit(interest)
        return interest
a = Account("ann", 100)
s = Savings("sam", 1000)
ops = [(a, "w", 30), (s, "w", 2000), (a, "d", 5), (s, "d", 250), (a, "w", 80)]
for acct, kind, amt in ops:
    try:
        acct.withdraw(amt) if kind == "w" else acct.deposit(amt)
    except InsufficientFunds as e:
        print("refused:", e)
print(a.balance, a.history)
print(s.add_interest(), s.balance, s.history)
