# Class-level registries and counters shared across instances.
class Plugin:
    registry = {}
    created = 0
    def __init__(self, name, priority=0):
        self.name = name
        self.priority = priority
        Plugin.created += 1
        Plugin.registry[name] = self
    def __repr__(self):
        return "Plugin(%s, %d)" % (self.name, self.priority)
    @classmethod
    def ordered(cls):
        return sorted(cls.registry.values(), key=lambda p: (-p.priority, p.name))
for name, pr in [("zip", 1), ("auth", 5), ("log", 1), ("cache", 3)]:
    Plugin(name, pr)
print(Plugin.created, Plugin.ordered())
Plugin("zip", 9)
print(Plugin.created, len(Plugin.registry), Plugin.ordered()[0])
print(list(Plugin.registry))
