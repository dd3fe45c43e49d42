"""Iterator building blocks; the infinite ones are lazy iterator objects."""


class count:
    def __init__(self, start=0, step=1):
        self.n = start
        self.step = step

    def __iter__(self):
        return self

    def __next__(self):
        v = self.n
        self.n += self.step
        return v


class cycle:
    def __init__(self, iterable):
        self.items = list(iterable)
        self.i = 0

    def __iter__(self):
        return self

    def __next__(self):
        if not self.items:
            raise StopIteration
        v = self.items[self.i]
        self.i = (self.i + 1) % len(self.items)
        return v


class repeat:
    def __init__(self, obj, times=None):
        self.obj = obj
        self.times = times

    def __iter__(self):
        return self

    def __next__(self):
        if self.times is not None:
            if self.times <= 0:
                raise StopIteration
            self.times -= 1
        return self.obj


class islice:
    def __init__(self, iterable, *args):
        s = slice(*args)
        self.it = iter(iterable)
        self.next_i = s.start or 0
        self.stop = s.stop
        self.step = s.step or 1
        self.i = 0

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            if self.stop is not None and self.next_i >= self.stop:
                raise StopIteration
            v = next(self.it)
            i = self.i
            self.i += 1
            if i == self.next_i:
                self.next_i += self.step
                return v


def chain(*iterables):
    out = []
    for it in iterables:
        out.extend(it)
    return iter(out)


def _from_iterable(iterables):
    return chain(*iterables)


chain.from_iterable = _from_iterable


def accumulate(iterable, func=None, initial=None):
    out = []
    total = initial
    if initial is not None:
        out.append(initial)
    for x in iterable:
        if total is None and not out:
            total = x
        elif func is None:
            total = total + x
        else:
            total = func(total, x)
        out.append(total)
    return iter(out)


def product(*iterables, repeat=1):
    pools = [tuple(p) for p in iterables] * repeat
    result = [()]
    for pool in pools:
        result = [x + (y,) for x in result for y in pool]
    return iter(result)


def permutations(iterable, r=None):
    pool = tuple(iterable)
    n = len(pool)
    r = n if r is None else r
    if r > n:
        return iter([])
    indices = list(range(n))
    cycles = list(range(n, n - r, -1))
    out = [tuple(pool[i] for i in indices[:r])]
    while n:
        for i in reversed(range(r)):
            cycles[i] -= 1
            if cycles[i] == 0:
                indices[i:] = indices[i + 1:] + indices[i:i + 1]
                cycles[i] = n - i
            else:
                j = cycles[i]
                indices[i], indices[-j] = indices[-j], indices[i]
                out.append(tuple(pool[i] for i in indices[:r]))
                break
        else:
            return iter(out)
    return iter(out)


def combinations(iterable, r):
    pool = tuple(iterable)
    n = len(pool)
    if r > n:
        return iter([])
    indices = list(range(r))
    out = [tuple(pool[i] for i in indices)]
    while True:
        for i in reversed(range(r)):
            if indices[i] != i + n - r:
                break
        else:
            return iter(out)
        indices[i] += 1
        for j in range(i + 1, r):
            indices[j] = indices[j - 1] + 1
        out.append(tuple(pool[i] for i in indices))


def combinations_with_replacement(iterable, r):
    pool = tuple(iterable)
    n = len(pool)
    if not n and r:
        return iter([])
    indices = [0] * r
    out = [tuple(pool[i] for i in indices)]
    while True:
        for i in reversed(range(r)):
            if indices[i] != n - 1:
                break
        else:
            return iter(out)
        indices[i:] = [indices[i] + 1] * (r - i)
        out.append(tuple(pool[i] for i in indices))


def zip_longest(*iterables, fillvalue=None):
    lists = [list(it) for it in iterables]
    n = max((len(l) for l in lists), default=0)
    return iter([tuple(l[i] if i < len(l) else fillvalue for l in lists) for i in range(n)])


def groupby(iterable, key=None):
    out = []
    cur = []
    curkey = None
    first = True
    for x in iterable:
        k = x if key is None else key(x)
        if first or k != curkey:
            if not first:
                out.append((curkey, iter(cur)))
            cur = []
            curkey = k
            first = False
        cur.append(x)
    if not first:
        out.append((curkey, iter(cur)))
    return iter(out)


def starmap(function, iterable):
    return iter([function(*args) for args in iterable])


def takewhile(predicate, iterable):
    out = []
    for x in iterable:
        if not predicate(x):
            break
        out.append(x)
    return iter(out)


def dropwhile(predicate, iterable):
    out = []
    dropping = True
    for x in iterable:
        if dropping and predicate(x):
            continue
        dropping = False
        out.append(x)
    return iter(out)


def compress(data, selectors):
    return iter([d for d, s in zip(data, selectors) if s])


def filterfalse(predicate, iterable):
    if predicate is None:
        predicate = bool
    return iter([x for x in iterable if not predicate(x)])


def pairwise(iterable):
    items = list(iterable)
    return iter([(items[i], items[i + 1]) for i in range(len(items) - 1)])
