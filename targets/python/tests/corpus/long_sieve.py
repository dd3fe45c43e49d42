# Sieve of Eratosthenes up to 10^6.
n = 1000000
sieve = [True] * (n + 1)
sieve[0] = sieve[1] = False
i = 2
while i * i <= n:
    if sieve[i]:
        for j in range(i * i, n + 1, i):
            sieve[j] = False
    i += 1
primes = [k for k in range(n + 1) if sieve[k]]
print(len(primes), primes[:10], primes[-3:])
print(sum(primes) % 1000000007)
twins = 0
for a in range(len(primes) - 1):
    if primes[a + 1] - primes[a] == 2:
        twins += 1
print(twins)
