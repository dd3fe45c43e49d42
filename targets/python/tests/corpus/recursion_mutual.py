# Mutual recursion.
def is_even(n):
    return True if n == 0 else is_odd(n - 1)
def is_odd(n):
    return False if n == 0 else is_even(n - 1)
print([is_even(i) for i in range(6)], is_odd(301))
def count_down(n, out):
    if n > 0:
        out.append(n)
        count_up_helper(n - 1, out)
def count_up_helper(n, out):
    if n > 0:
        out.append(-n)
        count_down(n - 1, out)
o = []
count_down(7, o)
print(o)
def expr(tokens, i):
    v, i = term(tokens, i)
    while i < len(tokens) and tokens[i] == "+":
        w, i = term(tokens, i + 1)
        v += w
    return v, i
def term(tokens, i):
    if tokens[i] == "(":
        v, i = expr(tokens, i + 1)
        return v, i + 1
    return int(tokens[i]), i + 1
print(expr("( 1 + ( 2 + 3 ) ) + 4".split(), 0))
