# SystemExit can be caught; the final exit uses code 0 then 2.
import sys
try:
    sys.exit(5)
except SystemExit as e:
    print("caught SystemExit", e.code)
try:
    sys.exit()
except SystemExit as e:
    print("code", e.code)
print("exiting with 2")
sys.exit(2)
