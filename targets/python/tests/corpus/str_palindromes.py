# Palindrome checks and longest palindromic substring.
def clean(s):
    return "".join(ch.lower() for ch in s if ch.isalnum())
def is_pal(s):
    c = clean(s)
    return c == c[::-1]
for s in ["A man, a plan, a canal: Panama", "racecar", "hello", "", "No 'x' in Nixon"]:
    print(repr(s), is_pal(s))
def longest(s):
    best = ""
    for center in range(2 * len(s) - 1):
        l = center // 2
        r = l + center % 2
        while l >= 0 and r < len(s) and s[l] == s[r]:
            l -= 1
            r += 1
        if r - l - 1 > len(best):
            best = s[l + 1:r]
    return best
for s in ["babad", "cbbd", "forgeeksskeegfor", "abacdfgdcaba", "a"]:
    print(s, longest(s))
