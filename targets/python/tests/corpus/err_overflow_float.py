# Converting a huge int to float.
big = 10 ** 400
print(len(str(big)))
x = big // 3
print(x % 1000)
print(float(x))
