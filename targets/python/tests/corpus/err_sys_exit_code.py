# sys.exit with a status code.
import sys
print("about to exit")
def finish(code):
    sys.exit(code)
try:
    print("in try")
finally:
    print("finally before exit")
finish(3)
print("never")
