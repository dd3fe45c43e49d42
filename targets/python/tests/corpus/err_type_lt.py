# Direct comparison of int and str.
a = 5
b = "5"
print(a == b, a != b)
if a < b:
    print("less")
