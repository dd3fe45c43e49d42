//! Runs the `pyrs` binary on small programs and compares it with `python3`: stdout,
//! the exit status and the last line of stderr. A program may bring modules: the text
//! after a line `#--- NAME.py` is written to `NAME.py` beside it. Without `python3` the
//! test says it is skipped.

use std::path::Path;
use std::process::Command;

/// (name, source) of each program.
const PROGRAMS: &[(&str, &str)] = &[
    (
        "basics",
        r#"def fib(n):
    if n < 2:
        return n
    return fib(n-1) + fib(n-2)
print(fib(20))
x = [1, 2, 3]
x.append(4)
print(x, len(x), sum(x))
d = {'a': 1, 'b': 2}
for k, v in d.items():
    print(k, v)
print(f"{3.14159:.2f} {'hi':>5}|{10:05d}")
class A:
    def __init__(self, v):
        self.v = v
    def __repr__(self):
        return f"A({self.v})"
    def __add__(self, o):
        return A(self.v + o.v)
print(A(1) + A(2))
print([i*i for i in range(10) if i % 2])
try:
    1/0
except ZeroDivisionError as e:
    print("caught", e)
print(2**100, 0.1, 1e16, 1.5e-7, -0.0, 1/3)
s = "hello world"
print(s.split(), s.upper(), s[::-1], s[1:4])
print(sorted([3,1,2], reverse=True), max([1,5,3]), min(4,2,8))
import math
print(math.sqrt(2), math.pi)
def g(a, b=2, *args, c=3, **kw):
    return a, b, args, c, kw
print(g(1), g(1, 2, 3, 4, c=5, d=6))
print({1, 2, 3} & {2, 3, 4})
"#,
    ),
    (
        "bigints",
        r#"a = 1
for i in range(1, 30):
    a *= i
print(a, a // 7**10, a % 1000003, -a // 3, a >> 10, a.bit_length(), a & 0xffff, str(a)[:5], len(str(2**1000)))
print(2**63, -2**63 - 1, (2**63) - 1 == 9223372036854775807, 9223372036854775807 + 1, -(-9223372036854775808))
print(float(2**70), int(1e20), 10**30 // 10**15, divmod(-10**20, 7), pow(7, 10**6, 13), abs(-2**100), hash(2**70) == hash(2**70))
"#,
    ),
    (
        "builtin_subclass",
        r#"class Stack(list):
    def push(self, x):
        self.append(x)
    def peek(self):
        return self[-1]
s = Stack()
s.push(1); s.push(2); s.extend([3, 4])
print(s, len(s), s.peek(), s.pop(), s, isinstance(s, list), 2 in s, list(s), s[1:], sorted(s, reverse=True), bool(Stack()))
class Counter(dict):
    def __missing__(self, key):
        return 0
    def add(self, k):
        self[k] = self[k] + 1
c = Counter()
for w in "a b a c a b".split():
    c.add(w)
print(c, c["a"], c["zz"], len(c), sorted(c.items()), "a" in c, c.get("b"))
class DD(dict):
    def __init__(self, factory):
        super().__init__()
        self.factory = factory
    def __getitem__(self, k):
        if k not in self:
            self[k] = self.factory()
        return super().__getitem__(k)
d = DD(list)
d["x"].append(1); d["x"].append(2); d["y"].append(3)
print(d, d.factory)
class Point(tuple):
    pass
p = Point((1, 2))
print(p, p[0], len(p), p == (1, 2))
class MyStr(str):
    def shout(self):
        return self.upper() + "!"
m = MyStr("hey")
print(m, m.shout(), m + "x", len(m))
class L2(list):
    def __init__(self, *args):
        super().__init__(args)
print(L2(1, 2, 3), L2() == [])
"#,
    ),
    (
        "classes_closures",
        r#"class Animal:
    kind = "animal"
    count = 0
    def __init__(self, name):
        self.name = name
        Animal.count += 1
    def speak(self):
        return f"{self.name} makes a sound"
    def __str__(self):
        return f"Animal({self.name})"
    def __eq__(self, other):
        return isinstance(other, Animal) and self.name == other.name
    def __hash__(self):
        return hash(self.name)
class Dog(Animal):
    def __init__(self, name, breed):
        super().__init__(name)
        self.breed = breed
    def speak(self):
        return super().speak() + " (woof)"
d = Dog("rex", "lab")
print(d.speak(), str(d), d.kind, Animal.count, isinstance(d, Animal), type(d).__name__, Dog.__mro__)
print(d == Dog("rex", "x"), d != Animal("rex"), {d: 1}[Animal("rex")], d.__class__.__name__)
class V:
    def __init__(self, x, y): self.x, self.y = x, y
    def __add__(self, o): return V(self.x + o.x, self.y + o.y)
    def __mul__(self, k): return V(self.x * k, self.y * k)
    def __rmul__(self, k): return self * k
    def __neg__(self): return V(-self.x, -self.y)
    def __repr__(self): return f"V({self.x}, {self.y})"
    def __lt__(self, o): return (self.x, self.y) < (o.x, o.y)
    def __len__(self): return 2
    def __getitem__(self, i): return (self.x, self.y)[i]
    def __iter__(self): return iter((self.x, self.y))
    def __contains__(self, v): return v in (self.x, self.y)
    def __call__(self, z): return self.x + z
    def __bool__(self): return bool(self.x or self.y)
v = V(1, 2)
print(v + V(3, 4), v * 3, 3 * v, -v, sorted([V(2, 1), V(1, 5)]), len(v), v[1], list(v), 2 in v, v(10), bool(V(0, 0)))
print(V(1, 2) > V(0, 0), max([V(1, 1), V(3, 0)]))
class Stack:
    def __init__(self): self.items = []
    def push(self, x): self.items.append(x); return self
    @property
    def top(self): return self.items[-1]
    @top.setter
    def top(self, v): self.items[-1] = v
    @staticmethod
    def make(): return Stack()
    @classmethod
    def named(cls): return cls.__name__
s = Stack.make().push(1).push(2); s.top = 5
print(s.top, s.items, Stack.named(), s.named())
class Counter:
    def __init__(self, n): self.n = n; self.i = 0
    def __iter__(self): return self
    def __next__(self):
        if self.i >= self.n: raise StopIteration
        self.i += 1
        return self.i
print(list(Counter(3)), [x for x in Counter(2)], sum(Counter(4)))
def make_adder(n):
    def add(x):
        return x + n
    return add
add5 = make_adder(5); print(add5(1), make_adder(2)(3))
def counter():
    c = 0
    def inc():
        nonlocal c
        c += 1
        return c
    return inc
f = counter(); f(); print(f(), f.__name__)
print((lambda *a, **k: (a, k))(1, x=2))
def deco(fn):
    def w(*a, **k):
        return "<" + str(fn(*a, **k)) + ">"
    return w
@deco
def hello(n): return n * 2
print(hello(21))
class E(Exception):
    def __init__(self, code):
        super().__init__(f"code {code}")
        self.code = code
try:
    raise E(42)
except E as e:
    print(e, e.code, e.args)
try:
    try:
        {}["x"]
    finally:
        print("finally")
except KeyError as e:
    print("key", e, repr(e))
def gen_exc():
    try:
        return 1
    finally:
        print("cleanup")
print(gen_exc())
for i in range(3):
    try:
        if i == 1: continue
        print("i", i)
    finally:
        print("f", i)
x = 0
while True:
    x += 1
    if x > 5: break
else:
    print("no")
print(x)
for i in range(2):
    pass
else:
    print("else ran")
g = 10
def setg():
    global g
    g = 20
setg(); print(g)
print(getattr(d, "name"), getattr(d, "zz", "dflt"), hasattr(d, "breed"), setattr(d, "age", 3), d.age)
"#,
    ),
    (
        "containers",
        r#"l = [5, 3, 8, 1]
l.sort(); print(l); l.reverse(); print(l)
l.insert(1, 9); print(l, l.pop(), l.pop(0), l.index(3), l.count(3))
l.remove(3); print(l); l.extend((7, 7)); print(l, l.copy(), l * 2, l + [0])
l[1:3] = ["a", "b", "c"]; print(l); del l[::2]; print(l); del l[0]; print(l)
a = list(range(10)); print(a[::-1], a[-3:], a[2:8:3], a[::-2])
print([1, 2] == [1, 2], [1, 2] < [1, 3], (1, 2) < (1, 2, 0), [[1]] * 2)
t = (1, 2, 3); print(t.index(2), t.count(1), t[1:], len(t), (1,), ())
d = {"a": 1, "b": 2}
d["c"] = 3; print(d, d.get("z"), d.get("z", 0), "a" in d, list(d.keys()), list(d.values()), list(d.items()))
print(d.pop("a"), d, d.setdefault("q", 9), d); del d["b"]; print(d, len(d))
d.update({"x": 1}, y=2); print(d, d.popitem(), dict.fromkeys("ab", 0), dict(a=1, b=2), dict([(1, 2)]))
print({k: v for k, v in zip("abc", range(3))}, {x % 3 for x in range(10)}, d.copy())
s = {1, 2, 3}; s.add(4); s.discard(1); s.remove(2); print(s, s | {9}, s - {3}, s ^ {3, 10}, {3} <= s, s.issubset({3,4,5}))
print(s.union([1]), s.intersection({4}), s.difference({4}), set(), frozenset([1, 2]), len(s), 3 in s)
a, *b, c = range(6); print(a, b, c)
(x, y), z = (1, 2), 3; print(x, y, z)
x, y = y, x; print(x, y)
m = [[0] * 3 for _ in range(2)]; m[0][1] = 5; print(m)
print(list(range(10, 0, -3)), range(5)[2], len(range(0, 10, 3)), 3 in range(5), range(1, 5))
it = iter([1, 2]); print(next(it), next(it), next(it, "done"))
print(sorted({3: 1, 1: 2}), list(dict(b=1, a=2)))
nested = {"k": [1, {"z": (1, 2)}]}; print(nested, str(nested))
l2 = [1]; l2.append(l2); print(l2)
print([x * y for x in range(3) for y in range(3) if x != y])
g = (i * i for i in range(4)) if False else [i * i for i in range(4)]
print(sum(g), list(map(lambda a, b: a + b, [1, 2], [3, 4])))
print(sorted([3, 1, 2], reverse=True), sorted("hello"), "".join(sorted("hello")))
"#,
    ),
    (
        "deep_recursion",
        r#"import sys
sys.setrecursionlimit(100000)
def f(n):
    return 0 if n == 0 else 1 + f(n-1)
print(f(50000))
def g(n):
    return g(n+1)
try:
    g(0)
except RecursionError as e:
    print("rec", e)
"#,
    ),
    (
        "err_args",
        r#"def f(a, b, c=1):
    return a
try:
    f(1)
except TypeError as e:
    print(e)
try:
    f(1, 2, 3, 4)
except TypeError as e:
    print(e)
try:
    f(1, 2, d=3)
except TypeError as e:
    print(e)
try:
    len(5)
except TypeError as e:
    print(e)
try:
    int("abc")
except ValueError as e:
    print(e)
try:
    [].pop()
except IndexError as e:
    print(e)
try:
    None.foo
except AttributeError as e:
    print(e)
try:
    a, b = [1, 2, 3]
except ValueError as e:
    print(e)
try:
    "a" < 1
except TypeError as e:
    print(e)
try:
    raise NotImplementedError
except RuntimeError as e:
    print(type(e).__name__, repr(e))
assert 1 == 2, "one is not two"
"#,
    ),
    (
        "err_index",
        r#"def f(x):
    return g(x)
def g(x):
    return x[5]
f([1,2])
"#,
    ),
    (
        "err_key",
        r#"d = {}
print(d["missing"])
"#,
    ),
    (
        "err_name_cause",
        r#"try:
    raise KeyError("k") from ValueError("v")
except KeyError as e:
    print(repr(e.__cause__))
print(undefined_name)
"#,
    ),
    (
        "err_recursion",
        r#"def f(n):
    return f(n+1)
f(0)
"#,
    ),
    (
        "err_type",
        r#"def f(a, b):
    return a + b
print(f(1, 2))
f(1, "x")
"#,
    ),
    (
        "err_unbound",
        r#"def f():
    print(y)
    y = 1
f()
"#,
    ),
    (
        "err_user_exception",
        r#"class MyErr(Exception):
    pass
def h():
    raise MyErr("bad thing")
try:
    h()
except MyErr as e:
    print("got", e, repr(e), e.args)
raise ValueError
"#,
    ),
    (
        "exit_string",
        r#"import sys
print("out")
sys.exit("fatal: something")
"#,
    ),
    (
        "format_specs",
        r##"vals = [0.0, -0.0, 1.0, -1.5, 0.1, 2.5, 3.14159265358979, 1e-5, 1.5e-7, 123456.789, 1e16, 1e22, 9.999999e15, 12345678901234567890.0, 0.000123456, 1/3, 2/3, 100.0, 1e100, 5e-324, 1.7976931348623157e308, float('inf'), float('-inf'), 0.5, 1.25, 99.995, 1234.5]
specs = ["", "f", ".0f", ".1f", ".2f", ".3e", "e", "g", ".3g", ".10g", "10.2f", "<10.3", "^12.4g", "+.2f", " .1f", "010.2f", ",.2f", ".1%", "%", "E", "G", ".0e", "#.0f", "#g", ".2", ".15g", ".17g", "_.1f"]
out = []
for v in vals:
    out.append(repr(v) + " " + str(v))
    for s in specs:
        try:
            out.append(format(v, s))
        except Exception as e:
            out.append(type(e).__name__)
ints = [0, 1, -1, 7, 255, -255, 1234567, 10**20, -(10**20)]
ispecs = ["", "d", "x", "X", "o", "b", "#x", "#o", "#b", "08d", "+d", " d", ",d", "_d", "^9d", "<6d", ">6d", "e", ".2f", "%", "c", "=+8d", "_x"]
for v in ints:
    for s in ispecs:
        try:
            out.append(format(v, s))
        except Exception as e:
            out.append(type(e).__name__)
for f in ["%5.1f|%-8s|%+d|%x|%o|%e|%g|%G|%.3s|%c|%5d%%", "%r %a %i %u"]:
    try:
        out.append(f % (3.14159, "ab", 5, 255, 8, 12345.6789, 0.00001234, 1e20, "abcdef", 65, 42) if f.startswith("%5") else f % ("x", "é", 3.9, 4))
    except Exception as e:
        out.append(type(e).__name__ + str(e))
print("\n".join(out))
"##,
    ),
    (
        "fstrings",
        r#"name, n, pi = "pyrs", 42, 3.14159265
print(f"{name!r} {n:>5} {n:<5}| {n:^7} {n:08b} {n:#x} {pi:.3f} {pi:10.4} {pi:e} {n:,} {1234567.891:,.2f}")
print(f"{'x' * 3}{{}}{n % 5}", f"{n=}" if False else "", f"{[1, 2]!s:>10}", f"{None}", f"{True:>6}", f"{-3.5:+.1f}")
print("{0}{1}{0}".format("a", "b"), "{x}-{y}".format(x=1, y=2), "{:*^9}".format("mid"), "{0[1]}".format([7, 8]))
print(format(0.5, "%"), format(1e-5, "g"), format(123456789.0, "g"), format(1.0, ".0f"), format(2.5, ".0f"), format(-0.0))
print(str(1e22), repr(1.1), 3e-5, 100.0, 1e15, 123456789012345678.0, float("1e-320"), 0.1 + 0.7)
"#,
    ),
    (
        "garbage",
        r#"i = 0
keep = []
while i < 300000:
    l = [i, str(i)]
    if i % 10000 == 0:
        keep.append(l)
    i += 1
print(len(keep), keep[-1])
s = ""
for i in range(20000):
    s += str(i % 10)
print(len(s))
def f(n):
    t = []
    for i in range(n):
        t.append((i, [i]))
    return t
tot = 0
for k in range(5):
    tot += len(f(10000))
print(tot)
class Node:
    def __init__(self, v, nxt): self.v = v; self.nxt = nxt
head = None
for i in range(20000):
    head = Node(i, head)
n = 0
while head is not None:
    n += head.v
    head = head.nxt
print(n)
"#,
    ),
    (
        "import_module",
        r#"import helper
from helper import double, CONST
print(helper.double(4), double(5), CONST, helper.__name__)
import math, sys, time
print(math.floor(-2.5), math.ceil(2.1), math.gcd(12, 18), math.factorial(20), math.isnan(float("nan")), math.log(8, 2), math.hypot(3, 4))
print(type(time.time()).__name__, sys.maxsize, sys.getrecursionlimit())
#--- helper.py
CONST = "c"
def double(x):
    return 2 * x
print("helper loaded")
"#,
    ),
    (
        "loops_perf",
        r#"def collatz(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps
best = max(range(1, 20000), key=collatz)
print(best, collatz(best))
total = 0.0
for i in range(1, 100000):
    total += 1.0 / (i * i)
print(round(total, 6))
primes = [p for p in range(2, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]
print(len(primes), primes[-3:])
words = "the quick brown fox jumps over the lazy dog the end".split()
freq = {}
for w in words:
    freq[w] = freq.get(w, 0) + 1
print(sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
"#,
    ),
    (
        "sets",
        r#"s = {1, 2, 3}; s.add(4); s.discard(1); s.remove(2); print(s, s | {9}, s - {3}, s ^ {3, 10}, {3} <= s)
print(s.union([1]), s.intersection({4}), s.difference({4}), set(), frozenset([1, 2]))
a = set(range(20)); b = {x * 3 for x in range(15)}
print(set([100, 5, 33, 64, 8, 1000]), set([-1, -2, 0, 7]))
c = set(range(100)); 
for i in range(0, 100, 3): c.discard(i)
print(c, c.pop(), c.pop(), len(c))
"#,
    ),
    (
        "stdlib_modules",
        r#"from collections import deque, defaultdict, Counter, OrderedDict, namedtuple
import random, heapq, bisect, string, copy, operator, itertools, functools
d = deque([1, 2, 3]); d.appendleft(0); d.append(4); d.rotate(1)
print(d, d.popleft(), d.pop(), len(d), list(d))
dd = defaultdict(list)
dd["a"].append(1); dd["b"].append(2); dd["a"].append(3)
print(dd, dict(dd), dd["zz"], len(dd))
c = Counter("abracadabra")
print(c, c.most_common(2), c["a"], c["q"], sum(c.values()))
od = OrderedDict(); od["x"] = 1; od["y"] = 2; od.move_to_end("x")
print(od, list(od))
P = namedtuple("P", "x y")
p = P(1, y=2)
print(p, p.x, p.y, p[0], p == (1, 2), p._asdict(), p._replace(x=5), tuple(p))
random.seed(42)
print(random.random(), random.randint(1, 100), random.choice("abcdef"), random.randrange(0, 50, 5))
l = list(range(10)); random.shuffle(l); print(l, random.sample(range(100), 5), round(random.uniform(1, 2), 6))
random.seed(12345678901234567890)
print([random.randint(0, 10**12) for _ in range(3)], random.getrandbits(70))
h = [5, 1, 8, 3]; heapq.heapify(h); heapq.heappush(h, 0)
print(h, [heapq.heappop(h) for _ in range(3)], heapq.nlargest(2, [4, 9, 1]), heapq.nsmallest(2, [4, 9, 1]))
a = [1, 3, 5, 7]; bisect.insort(a, 4)
print(a, bisect.bisect_left(a, 5), bisect.bisect_right(a, 5), bisect.bisect(a, 0))
print(string.ascii_lowercase[:5], string.digits, len(string.punctuation))
x = [[1, 2], {"k": [3]}]; y = copy.deepcopy(x); y[0].append(9); z = copy.copy(x)
print(x, y, z[0] is x[0])
print(operator.add(2, 3), sorted([(1, "b"), (0, "a")], key=operator.itemgetter(1)), list(map(operator.mul, [1, 2], [3, 4])))
print(list(itertools.permutations([1, 2, 3], 2)), list(itertools.combinations("abcd", 2)))
print(list(itertools.product("ab", repeat=2)), list(itertools.islice(itertools.count(5, 2), 4)), list(itertools.chain([1], (2, 3))))
print(list(itertools.accumulate([1, 2, 3, 4])), [(k, list(g)) for k, g in itertools.groupby("aabbbc")], list(itertools.zip_longest([1, 2], "a", fillvalue="-")))
print(functools.reduce(operator.add, [1, 2, 3, 4]), functools.reduce(lambda a, b: a * b, [1, 2, 3], 10))
@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(100), functools.partial(pow, 2)(10))
print(sorted([3, 1, 2], key=functools.cmp_to_key(lambda a, b: b - a)))
"#,
    ),
    (
        "strings_numbers",
        r#"# strings
s = "Hello, World"
print(s.lower(), s.find("o"), s.rfind("o"), s.count("l"), s.replace("l", "L", 2))
print(s.startswith(("He", "x")), s.endswith("ld"), s.index("W"))
print("  x  ".strip(), "xxaxx".strip("x"), "a,b,,c".split(","), "a b  c".split(None, 1), "a b c".rsplit(" ", 1))
print("-".join(["a", "b"]), "abc" * 3, "b" in "abc", "abc"[-1], "abcdef"[1:5:2])
print("{} {:>6} {:<4}| {:^7} {:08.3f} {:,} {:x} {:o} {:b} {:e} {:g} {:%}".format(1, "r", "l", "c", 3.14159, 1234567, 255, 8, 5, 12345.678, 0.0001, 0.25))
print("%d %s %r %5.2f %-4d| %x %05d %%" % (42, "s", "r", 2.345, 7, 255, 12))
print("%(a)s-%(b)d" % {"a": "x", "b": 3})
print("abc".capitalize(), "hello world".title(), "ABC".isupper(), "12".isdigit(), "a1".isalnum(), " ".isspace())
print("5".zfill(3), "-5".zfill(4), "ab".ljust(4, "*"), "ab".rjust(4), "ab".center(7, "-"))
print("a\nb\r\nc".splitlines(), "k=v=w".partition("="), "k=v=w".rpartition("="))
print(repr("it's"), repr('say "hi"'), repr("a\tb\n"), str(None), ascii("é"))
print(f"{'nested'!r:>10} {3+4=}" if False else f"{'nested'!r:>10}")
x = 12.5
print(f"{x:.1f} {x!s} {x:10.3e} {int(x):+d} {-x:.0f}")
# numbers
print(7 // 2, -7 // 2, 7 % -3, -7 % 3, 2 ** -1, 10 / 4, 1e300 * 1e10, -1e300 * 1e10)
print(round(2.5), round(3.5), round(-2.5), round(2.675, 2), round(1234, -2), round(1.23456, 3))
print(int("ff", 16), int("0x1f", 0), int(" 42 "), int(-3.9), float("  1.5 "), float("inf"), float("-nan"))
print(divmod(17, 5), divmod(-17, 5), pow(2, 10, 1000), pow(3, -1, 7), abs(-5), abs(-2.5))
print(hex(255), oct(8), bin(5), hex(-255), chr(65), ord("a"), (255).bit_length(), (2.0).is_integer())
print(2**64, -(2**64), 2**64 // 3, 2**64 % 1000, (2**64) * (2**64), 10**20 / 10**10)
print(1 == 1.0, hash(1) == hash(1.0), True + True, 3 > 2.5, 0.1 + 0.2, 1/3*3)
print(min([3,1,2]), max("abc"), max([1,2,3], key=lambda v: -v), min([], default=0), sum([0.1]*10))
print(sorted(["b", "A", "c"], key=str.lower), sorted([(1, "b"), (1, "a"), (0, "z")]))
print(list(reversed([1,2,3])), list(enumerate("ab", 1)), list(zip([1,2,3], "ab")), list(map(str, [1,2])), list(filter(None, [0,1,2])))
print(any([0, 0, 1]), all([1, 1, 0]), isinstance(1, (str, int)), isinstance(True, int), issubclass(bool, int))
"#,
    ),
    (
        "syntax_error",
        r#"x = (1,
"#,
    ),
    (
        "sys_exit",
        r#"import sys
print("a")
sys.exit(3)
"#,
    ),
];

struct Outcome {
    stdout: String,
    status: Option<i32>,
    last_err: String,
}

fn run(cmd: &str, dir: &Path, gc_stress: bool) -> Outcome {
    let mut c = Command::new(cmd);
    if gc_stress {
        c.env("PYRS_GC_STRESS", "1");
    }
    let out = c
        .arg("main.py")
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd}: {e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    Outcome {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        status: out.status.code(),
        last_err: err.lines().last().unwrap_or("").to_string(),
    }
}

fn have_python() -> bool {
    Command::new("python3")
        .arg("-c")
        .arg("pass")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn write_program(dir: &Path, src: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let mut parts = src.split("#--- ");
    std::fs::write(dir.join("main.py"), parts.next().unwrap_or("")).unwrap();
    for p in parts {
        let (name, body) = p.split_once('\n').unwrap_or((p, ""));
        std::fs::write(dir.join(name.trim()), body).unwrap();
    }
}

#[test]
fn programs_match_cpython() {
    if !have_python() {
        println!("skipped: python3 not found");
        return;
    }
    let pyrs = env!("CARGO_BIN_EXE_pyrs");
    let root = std::env::temp_dir().join(format!("pyrs-run-{}", std::process::id()));
    let mut failures = Vec::new();
    for (name, src) in PROGRAMS {
        let dir = root.join(name);
        write_program(&dir, src);
        let theirs = run("python3", &dir, false);
        // Also with a collection at nearly every safe point.
        for stress in [false, true] {
            let ours = run(pyrs, &dir, stress);
            if ours.stdout != theirs.stdout
                || ours.status != theirs.status
                || ours.last_err != theirs.last_err
            {
                failures.push(format!(
                    "{name} (gc stress {stress}): status {:?} vs {:?}\n--- pyrs stdout\n{}--- python3 stdout\n{}--- last stderr lines\n{}\n{}",
                    ours.status, theirs.status, ours.stdout, theirs.stdout, ours.last_err, theirs.last_err
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        failures.is_empty(),
        "{} of {} programs differ:\n{}",
        failures.len(),
        PROGRAMS.len(),
        failures.join("\n")
    );
}

/// The prompt, forced with `-i` on a non-terminal stdin: results of expressions are
/// printed, errors do not stop it, prompts go to stderr.
#[test]
fn interactive_prompt() {
    let pyrs = env!("CARGO_BIN_EXE_pyrs");
    let mut child = Command::new(pyrs)
        .arg("-i")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"x = 5\nx * 2\ndef f(a):\n    return a + 1\n\nf(x)\n1/0\nprint('after')\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "10\n6\nafter\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with(">>> "), "{err}");
    assert!(err.contains("ZeroDivisionError: division by zero"), "{err}");
    assert_eq!(out.status.code(), Some(0));
}

/// A missing program file: CPython's message and status 2.
#[test]
fn missing_file() {
    let pyrs = env!("CARGO_BIN_EXE_pyrs");
    let out = Command::new(pyrs)
        .arg("/nonexistent/prog.py")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "pyrs-c: can't open file '/nonexistent/prog.py': [Errno 2] No such file or directory\n"
    );
}

/// `-c` sets `sys.argv[0]` to `-c`; a closed stdout pipe does not panic.
#[test]
fn command_and_closed_pipe() {
    let pyrs = env!("CARGO_BIN_EXE_pyrs");
    let out = Command::new(pyrs)
        .args(["-c", "import sys; print(sys.argv)", "a"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "['-c', 'a']\n");
    for help in ["-h", "--help"] {
        let out = Command::new(pyrs).arg(help).output().unwrap();
        assert!(out.status.success(), "{help}");
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("usage: pyrs"));
    }
    let out = Command::new(pyrs).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Python 3.11"));
    let mut child = Command::new(pyrs)
        .args(["-c", "for i in range(200000): print(i)"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
