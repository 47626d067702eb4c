"""The spellings of one kind (a `Part`), as tables the searches read: by bucket, by word, and the words in order
(completion by prefix, and the fuzzy steps of `candidates.py`)."""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from bot.search.columns import Columns

Bucket = tuple[int, int, int]


def bucket_of(key: str, words: list[str]) -> Bucket:
    """(words of two letters or more, one-letter words, length): the bounds count initials as 1."""
    light = sum(len(w) == 1 for w in words)
    return (len(words) - light, light, len(key))


def distinct(numbers: np.ndarray) -> np.ndarray:
    """The numbers once each, in order (`np.unique` hashes since numpy 2.3: several times slower for these)."""
    numbers = np.sort(numbers)
    return numbers[np.concatenate(([True], numbers[1:] != numbers[:-1]))] if len(numbers) else numbers


class Part:
    """The spellings of one kind: word postings by (word, number of words, length), for bounds and completion."""

    def __init__(self, columns: Columns):
        self.keys = columns.keys                         # the index's folded spellings (shared, by number)
        self.columns = columns                           # (for the lengths of the spellings)
        self.nums = array("i")                           # this kind's spellings, by number (insertion order)
        self.canonical = array("i")                      # those that are an entity's own name
        self.buckets: dict[Bucket, array] = {}            # bucket -> spellings, sorted by (key, number)
        self.post: dict[tuple[str, int, int, int], array] = {}  # (word, *bucket) -> spellings, same order
        self.word_buckets: dict[str, list[Bucket]] = {}   # word -> its buckets, sorted by length
        self.vocab: list[str] = []                       # distinct words, sorted
        self.dups = array("i")                           # spellings that repeat a word (bounds do not hold)
        self.holders: dict[str, np.ndarray] = {}         # word -> the spellings holding it
        self._lengthwise_cache: tuple[list[str], list[int]] | None = None  # see `lengthwise`
        self._start_cache: dict[int, tuple[list[str], list[str]]] = {}  # see `starts`

    def __len__(self) -> int:
        return len(self.nums)

    # -- building -------------------------------------------------------------------------------------------

    def extend(self, numbers: Iterable[int], canonical: Iterable[int]) -> None:
        """Index many spellings at once (numbers ascending); `finish` sorts what needs sorting."""
        keys = self.keys
        for n in numbers:
            key = keys[n]
            words = key.split()
            bucket = bucket_of(key, words)
            self.nums.append(n)
            found = self.buckets.get(bucket)
            if found is None:
                found = self.buckets[bucket] = array("i")
            found.append(n)
            distinct_words = set(words)
            if len(distinct_words) != len(words):
                self.dups.append(n)
            for word in distinct_words:
                posting = self.post.get((word, *bucket))
                if posting is None:
                    posting = self.post[(word, *bucket)] = array("i")
                    self.word_buckets.setdefault(word, []).append(bucket)
                posting.append(n)
        self.canonical.extend(canonical)

    def finish(self) -> None:
        """Sort what `extend` left in insertion order."""
        by_key = self.keys.__getitem__
        for table in (self.buckets, self.post):
            for name, nums in table.items():
                table[name] = array("i", sorted(nums, key=by_key))  # stable: equal keys stay by number
        for buckets in self.word_buckets.values():
            buckets.sort(key=lambda b: (b[2], b))
        self.vocab = sorted(self.word_buckets)
        self.holders = {w: np.concatenate([np.frombuffer(self.post[(w, *b)], np.int32) for b in bs])
                        for w, bs in self.word_buckets.items()}

    def add(self, n: int, canonical: bool) -> None:
        """Index one more spelling (its number is the largest so far)."""
        key = self.keys[n]
        words = key.split()
        bucket = bucket_of(key, words)
        self.nums.append(n)
        if canonical:
            self.canonical.append(n)
        by_key = self.keys.__getitem__
        nums = self.buckets.setdefault(bucket, array("i"))
        nums.insert(bisect_right(nums, key, key=by_key), n)
        distinct_words = set(words)
        if len(distinct_words) != len(words):
            self.dups.append(n)
        for word in distinct_words:
            posting = self.post.get((word, *bucket))
            if posting is None:
                posting = self.post[(word, *bucket)] = array("i")
                if word not in self.word_buckets:
                    insort(self.vocab, word)
                    self._lengthwise_cache, self._start_cache = None, {}
                buckets = self.word_buckets.setdefault(word, [])
                buckets.append(bucket)
                buckets.sort(key=lambda b: (b[2], b))
            posting.insert(bisect_right(posting, key, key=by_key), n)
            self.holders[word] = np.append(self.holders.get(word, np.zeros(0, np.int32)), np.int32(n))

    # -- reading --------------------------------------------------------------------------------------------

    def lengthwise(self) -> tuple[list[str], list[int]]:
        """The words, shortest first, and their lengths (kept until a new word comes)."""
        if self._lengthwise_cache is None:
            words = sorted(self.vocab, key=len)
            self._lengthwise_cache = (words, [len(w) for w in words])
        return self._lengthwise_cache

    def starts(self, size: int) -> tuple[list[str], list[str]]:
        """The words longer than `size`, and their first `size` letters (kept until a new word comes)."""
        found = self._start_cache.get(size)
        if found is None:
            words, lengths = self.lengthwise()
            longer = words[bisect_right(lengths, size):]
            found = self._start_cache[size] = (longer, [w[:size] for w in longer])
        return found

    def rarity(self, word: str) -> int:
        """How many spellings hold the word."""
        found = self.holders.get(word)
        return 0 if found is None else len(found)

    def with_all(self, words: Sequence[str], buckets: Iterable[Bucket], found: set[int]) -> None:
        """Add the spellings of these buckets that hold every one of `words`."""
        for bucket in buckets:
            lists = [self.post.get((w, *bucket)) for w in words]
            if not all(lists):
                continue
            lists.sort(key=len)
            common = set(lists[0])
            for other in lists[1:]:
                common.intersection_update(other)
                if not common:
                    break
            found.update(common)

    # -- completion ---------------------------------------------------------------------------------------------

    def starting_with(self, prefix: str) -> Iterator[tuple[int, str, int]]:
        """(length, key, number) of the spellings that start with `prefix`, in that order."""
        by_key = self.keys.__getitem__
        lengths: dict[int, list[array]] = {}
        for (_, _, length), nums in self.buckets.items():
            if length >= len(prefix):
                lengths.setdefault(length, []).append(nums)
        for length in sorted(lengths):
            runs = []
            for nums in lengths[length]:
                start = bisect_left(nums, prefix, key=by_key)
                end = bisect_left(nums, prefix + "\U0010ffff", lo=start, key=by_key)
                if start < end:
                    runs.append((length, by_key(n), n) for n in nums[start:end])
            yield from heapq.merge(*runs)

    def word_starting_with(self, key: str) -> Iterator[tuple[int, str, int]]:
        """(length, key, number) of the spellings where `key` starts a word other than the first, in that order: of
        those holding its whole words and a word starting with its last, the shortest first."""
        *whole, last = key.split()
        held = [self.holders.get(word) for word in whole]
        start = bisect_left(self.vocab, last)
        starting = [self.holders[w] for w in self.vocab[start:bisect_left(self.vocab, last + "\U0010ffff", lo=start)]]
        if not starting or any(h is None for h in held):
            return
        numbers = distinct(np.concatenate(starting))
        for other in sorted(held, key=len):
            numbers = numbers[np.isin(numbers, other, kind="table")]
        needle, keys = " " + key, self.keys
        lengths = self.columns.lengths[numbers]
        order = np.argsort(lengths, kind="stable")
        numbers, lengths = numbers[order].tolist(), lengths[order].tolist()
        i = 0
        while i < len(numbers):  # a length at a time: the caller stops at its limit
            j = bisect_right(lengths, lengths[i], lo=i)
            found = sorted((keys[n], n) for n in numbers[i:j] if needle in keys[n] and not keys[n].startswith(key))
            yield from ((lengths[i], k, n) for k, n in found)
            i = j
