# Calling a non-callable value.
handlers = {"a": len, "b": 5}
print(handlers["a"]("xyz"))
h = handlers["b"]
print(h(1))
