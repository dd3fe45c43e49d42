# Classes: __init__, methods, class vs instance attributes.
class Dog:
    species = "canis"
    count = 0
    def __init__(self, name, age):
        self.name = name
        self.age = age
        Dog.count += 1
    def bark(self):
        return self.name + " says woof"
    def birthday(self):
        self.age += 1
        return self.age
d = Dog("Rex", 3)
e = Dog("Fido", 5)
print(d.bark(), e.bark(), d.birthday(), d.age, e.age)
print(Dog.count, d.species, e.species, Dog.species)
d.species = "wolf"
print(d.species, e.species, Dog.species)
Dog.species = "dog"
print(d.species, e.species)
print(Dog.bark(e), type(d).__name__, isinstance(d, Dog))
m = d.bark
print(m())
d.extra = [1, 2]
print(d.extra, hasattr(e, "extra"))
