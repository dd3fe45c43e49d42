"""Higher-order functions: reduce, partial, lru_cache, cache, cmp_to_key, wraps."""

_missing = object()


def reduce(function, iterable, initial=_missing):
    it = iter(iterable)
    if initial is _missing:
        value = next(it, _missing)
        if value is _missing:
            raise TypeError("reduce() of empty iterable with no initial value")
    else:
        value = initial
    for element in it:
        value = function(value, element)
    return value


class partial:
    def __init__(self, func, *args, **keywords):
        self.func = func
        self.args = args
        self.keywords = keywords

    def __call__(self, *args, **keywords):
        kw = dict(self.keywords)
        kw.update(keywords)
        return self.func(*self.args, *args, **kw)


class _Cached:
    def __init__(self, func, maxsize):
        self.func = func
        self.maxsize = maxsize
        self.cache = {}
        self.hits = 0
        self.misses = 0
        self.__name__ = getattr(func, "__name__", "cached")

    def __call__(self, *args, **kwargs):
        key = args
        if kwargs:
            key = args + (_missing,) + tuple(sorted(kwargs.items()))
        if key in self.cache:
            self.hits += 1
            return self.cache[key]
        self.misses += 1
        v = self.func(*args, **kwargs)
        if self.maxsize is not None and len(self.cache) >= self.maxsize > 0:
            del self.cache[next(iter(self.cache))]
        if self.maxsize != 0:
            self.cache[key] = v
        return v

    def cache_clear(self):
        self.cache.clear()

    def cache_info(self):
        return "CacheInfo(hits=" + str(self.hits) + ", misses=" + str(self.misses) + ", maxsize=" + str(self.maxsize) + ", currsize=" + str(len(self.cache)) + ")"


def lru_cache(maxsize=128, typed=False):
    if callable(maxsize):
        return _Cached(maxsize, 128)

    def decorate(func):
        return _Cached(func, maxsize)
    return decorate


def cache(func):
    return _Cached(func, None)


def cmp_to_key(mycmp):
    class K:
        def __init__(self, obj):
            self.obj = obj

        def __lt__(self, other):
            return mycmp(self.obj, other.obj) < 0

        def __gt__(self, other):
            return mycmp(self.obj, other.obj) > 0

        def __eq__(self, other):
            return mycmp(self.obj, other.obj) == 0

        def __le__(self, other):
            return mycmp(self.obj, other.obj) <= 0

        def __ge__(self, other):
            return mycmp(self.obj, other.obj) >= 0
    return K


def wraps(wrapped):
    def decorate(wrapper):
        return wrapper
    return decorate


def total_ordering(cls):
    return cls
