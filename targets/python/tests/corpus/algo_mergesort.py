# Merge sort (stable) with a key.
def merge_sort(xs, key=lambda v: v):
    if len(xs) <= 1:
        return list(xs)
    mid = len(xs) // 2
    left = merge_sort(xs[:mid], key)
    right = merge_sort(xs[mid:], key)
    out = []
    i = j = 0
    while i < len(left) and j < len(right):
        if key(right[j]) < key(left[i]):
            out.append(right[j])
            j += 1
        else:
            out.append(left[i])
            i += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out
recs = [("d", 2), ("a", 1), ("c", 2), ("b", 1), ("e", 0)]
print(merge_sort(recs, key=lambda r: r[1]))
print(merge_sort([5, 2, 9, 1, 5, 6]), merge_sort("mergesort"))
nums = [(i * 7919) % 101 for i in range(60)]
print(merge_sort(nums) == sorted(nums), merge_sort(nums)[:10])
