# if / elif / else chains.
def grade(score):
    if score >= 90:
        return "A"
    elif score >= 80:
        return "B"
    elif score >= 70:
        return "C"
    elif score >= 60:
        return "D"
    else:
        return "F"
print([grade(s) for s in [95, 85, 75, 65, 55, 90, 89.99]])
def fizz(n):
    if n % 15 == 0:
        return "FizzBuzz"
    if n % 3 == 0:
        return "Fizz"
    if n % 5 == 0:
        return "Buzz"
    return str(n)
print(" ".join(fizz(i) for i in range(1, 31)))
x = 7
if x:
    if x > 5:
        print("big")
    else:
        print("small")
if not x:
    pass
else:
    print("nonzero")
