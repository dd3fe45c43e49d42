# property, staticmethod and classmethod.
class Temp:
    scale = "C"
    def __init__(self, c):
        self._c = c
    @property
    def celsius(self):
        return self._c
    @celsius.setter
    def celsius(self, v):
        if v < -273.15:
            raise ValueError("too cold")
        self._c = v
    @property
    def fahrenheit(self):
        return self._c * 9 / 5 + 32
    @staticmethod
    def describe():
        return "temperature"
    @classmethod
    def from_f(cls, f):
        return cls((f - 32) * 5 / 9)
    @classmethod
    def get_scale(cls):
        return cls.__name__ + ":" + cls.scale
t = Temp(100)
print(t.celsius, t.fahrenheit)
t.celsius = 0
print(t.celsius, t.fahrenheit)
try:
    t.celsius = -300
except ValueError as e:
    print("ValueError", e)
try:
    t.fahrenheit = 1
except AttributeError as e:
    print("AttributeError", type(e).__name__)
print(Temp.describe(), t.describe(), Temp.from_f(212).celsius, Temp.get_scale())
class Kelvin(Temp):
    scale = "K"
print(Kelvin.get_scale(), type(Kelvin.from_f(32)).__name__)
