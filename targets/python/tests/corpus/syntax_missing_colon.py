# A missing colon after if.
print("never printed")
x = 3
if x > 2
    print("big")
