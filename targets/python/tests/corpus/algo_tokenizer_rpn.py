# A tokenizer, shunting-yard to RPN, and an RPN evaluator.
def tokenize(s):
    toks, i = [], 0
    while i < len(s):
        c = s[i]
        if c.isdigit():
            j = i
            while j < len(s) and s[j].isdigit():
                j += 1
            toks.append(int(s[i:j]))
            i = j
        elif c in "+-*/()":
            toks.append(c)
            i += 1
        else:
            i += 1
    return toks
PREC = {"+": 1, "-": 1, "*": 2, "/": 2}
def to_rpn(toks):
    out, ops = [], []
    for t in toks:
        if isinstance(t, int):
            out.append(t)
        elif t == "(":
            ops.append(t)
        elif t == ")":
            while ops[-1] != "(":
                out.append(ops.pop())
            ops.pop()
        else:
            while ops and ops[-1] != "(" and PREC[ops[-1]] >= PREC[t]:
                out.append(ops.pop())
            ops.append(t)
    return out + ops[::-1]
def evaluate(rpn):
    st = []
    for t in rpn:
        if isinstance(t, int):
            st.append(t)
        else:
            b, a = st.pop(), st.pop()
            st.append(a + b if t == "+" else a - b if t == "-" else a * b if t == "*" else a // b)
    return st[0]
for e in ["1 + 2 * 3", "(1 + 2) * 3", "100 / 7 - 2", "2 * (3 + 4) * (5 - 1)", "42"]:
    r = to_rpn(tokenize(e))
    print(e, "=>", " ".join(map(str, r)), "=", evaluate(r))
