# sys.exit with a string prints it to stderr and exits with 1.
import sys
print("checking")
errors = ["bad value"]
if errors:
    sys.exit("fatal: " + errors[0])
print("unreachable")
