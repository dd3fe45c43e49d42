# Importing a module that does not exist.
print("before import")
x = 1 + 1
print(x)
import module_that_does_not_exist_anywhere
print("after")
