# Objects inside formatted output.
class Money:
    def __init__(self, cents):
        self.cents = cents
    def __str__(self):
        sign = "-" if self.cents < 0 else ""
        c = abs(self.cents)
        return "%s$%d.%02d" % (sign, c // 100, c % 100)
    def __repr__(self):
        return "Money(%d)" % self.cents
    def __format__(self, spec):
        return format(str(self), spec)
items = [("apple", Money(125)), ("bread", Money(349)), ("refund", Money(-50))]
for name, m in items:
    print(f"{name:<10}{m:>10}")
total = Money(sum(m.cents for _, m in items))
print(f"{'total':<10}{total:>10}")
print(items[0], [m for _, m in items])
print("{} and {!r}".format(total, total), "%s" % total)
