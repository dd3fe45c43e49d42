# The spectral norm of the infinite matrix A with a(i, j) = 1 / ((i + j)(i + j + 1) / 2 + i + 1),
# by the power method (the classic benchmark).
import sys


def eval_a(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def times_a(u):
    n = len(u)
    out = []
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += eval_a(i, j) * u[j]
        out.append(s)
    return out


def times_at(u):
    n = len(u)
    out = []
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += eval_a(j, i) * u[j]
        out.append(s)
    return out


def times_ata(u):
    return times_at(times_a(u))


def main(n):
    u = [1.0] * n
    v = u
    for _ in range(10):
        v = times_ata(u)
        u = times_ata(v)
    vbv = 0.0
    vv = 0.0
    for ue, ve in zip(u, v):
        vbv += ue * ve
        vv += ve * ve
    print("%0.9f" % ((vbv / vv) ** 0.5))


main(int(sys.argv[1]) if len(sys.argv) > 1 else 550)
