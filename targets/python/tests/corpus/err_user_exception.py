# An uncaught user-defined exception.
class ConfigError(Exception):
    pass
def load(cfg):
    if "name" not in cfg:
        raise ConfigError("missing key: name")
    return cfg["name"]
print(load({"name": "ok"}))
print(load({}))
