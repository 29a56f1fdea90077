"""Candidate pairs of a corpus, found shard by shard so the work can run on the run's workers.

Finding which articles share fingerprints is a map-reduce in two rounds, each
a :func:`newslint.corpus_map` (local worker processes, a Dask cluster, or this
process in a serial run):

1. **Fingerprint shards.** While the sketches are read once, each article's
   fingerprints are cut into ``FINGERPRINT_SHARDS`` value ranges (fingerprints
   are hashes, so a value range is a hash partition) and appended, with the
   article's number, to that shard's postings; large corpora spill them to
   temporary files. Each shard then becomes the posting lists of its common
   fingerprints (found in 2..max_df articles), split by article range.
2. **Article shards.** Each article range gets every posting list that holds
   one of its articles, counts the fingerprints each of its articles shares
   with every later article, and keeps the pairs that share enough.

No step holds the whole inverted index, every step's cost is linear in its
input, and the result (pairs sorted by article numbers) does not depend on
the number of shards or on where they ran.
"""

from __future__ import annotations

import sys
import tempfile
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import compress
from typing import IO, Iterator, Optional, Sequence

from newslint import corpus_map

from ._duplicates_sketch import W, pack_u32, u32

_LITTLE = sys.byteorder == "little"
#: Value-range shards of the fingerprints (round 1), and article-range shards (round 2): at
#: least ARTICLE_SHARDS, and more for large corpora, so a shard's pair counts stay small.
FINGERPRINT_SHARDS = 32
ARTICLE_SHARDS = 32
ARTICLES_PER_SHARD = 4_000
#: Postings buffered in memory, in bytes, before the shards spill to temporary files.
SPILL_BYTES = 64 << 20
_M32 = 0xFFFFFFFF


def fingerprint_cuts(shards: int) -> list[int]:
    """Upper bounds of the fingerprint value ranges, roughly even in postings.

    Winnowed fingerprints are window minima, so small values are common; the
    cuts follow 1 - (1 - p) ** (1 / 6), which on real news text gives shards
    within about 40% of even. Balance only affects speed, never the result.
    """
    return [int((1 - (1 - s / shards) ** (1 / (W - 2))) * (1 << 31)) for s in range(1, shards)]


def _view(data: bytes) -> Sequence[int]:
    return memoryview(data).cast("I") if _LITTLE else u32(data)


class Postings:
    """The (fingerprint, article) postings of a corpus, split into fingerprint shards.

    ``add`` is called once per article, in ascending article order, so every
    posting list comes out sorted by article.
    """

    def __init__(self, shards: int = FINGERPRINT_SHARDS, spill_bytes: int = SPILL_BYTES) -> None:
        self.cuts = fingerprint_cuts(shards)
        self.keys = [bytearray() for _ in range(shards)]
        self.owners = [bytearray() for _ in range(shards)]
        self.files: Optional[list[tuple[IO[bytes], IO[bytes]]]] = None
        self.spill_bytes = spill_bytes
        self.buffered = 0
        #: Fingerprints per article (0 for articles never added).
        self.sizes = array("I")

    def add(self, article: int, fingerprints: bytes) -> None:
        sizes = self.sizes
        if len(sizes) <= article:
            sizes.extend(array("I", [0]) * (article + 1 - len(sizes)))
        count = len(fingerprints) // 4
        sizes[article] = count
        if not count:
            return
        view = _view(fingerprints)
        owner = article.to_bytes(4, "little")
        start = 0
        for shard, cut in enumerate(self.cuts):
            end = bisect_left(view, cut, start)
            if end > start:
                self.keys[shard] += fingerprints[4 * start:4 * end]
                self.owners[shard] += owner * (end - start)
                start = end
                if start == count:
                    break
        if start < count:
            self.keys[-1] += fingerprints[4 * start:]
            self.owners[-1] += owner * (count - start)
        self.buffered += 8 * count
        if self.buffered >= self.spill_bytes:
            self._spill()

    def _spill(self) -> None:
        if self.files is None:
            self.files = [(tempfile.TemporaryFile(prefix="newslint-postings-"),
                           tempfile.TemporaryFile(prefix="newslint-postings-")) for _ in self.keys]
        for (kf, of), keys, owners in zip(self.files, self.keys, self.owners):
            kf.write(keys)
            of.write(owners)
            del keys[:], owners[:]
        self.buffered = 0

    def shards(self) -> Iterator[tuple[bytes, bytes]]:
        """Each shard's (fingerprints, articles) as little-endian uint32 bytes; read one at a time."""
        for shard in range(len(self.keys)):
            keys, owners = bytes(self.keys[shard]), bytes(self.owners[shard])
            self.keys[shard] = self.owners[shard] = bytearray()
            if self.files is not None:
                kf, of = self.files[shard]
                kf.seek(0)
                of.seek(0)
                keys, owners = kf.read() + keys, of.read() + owners
                kf.close()
                of.close()
            yield keys, owners

    def close(self) -> None:
        for pair in self.files or ():
            for f in pair:
                f.close()
        self.files = None


def article_cuts(articles: int, shards: int = ARTICLE_SHARDS) -> list[int]:
    """First article of each article shard but the first."""
    return sorted({articles * s // shards for s in range(1, shards)} - {0})


# -- round 1: one fingerprint shard -> posting lists by article shard ----------------------------

def shard_lists(item: tuple[bytes, bytes, int, list[int]]) -> list[tuple[bytes, bytes]]:
    """Posting lists of the fingerprints of one shard found in 2..max_df articles.

    For each article shard: the lists' lengths and members (uint32 bytes). A list
    goes to every article shard holding one of its members but the last, from
    that member on: the pairs (a, later b) of a shard's articles are all there.
    """
    keys_data, owners_data, max_df, cuts = item
    keys, owners = u32(keys_data), u32(owners_data)
    counts = Counter(keys)
    common = {k for k, c in counts.items() if 1 < c <= max_df}
    del counts
    found: dict[int, list[int]] = {}
    for j in compress(range(len(keys)), map(common.__contains__, keys)):
        found.setdefault(keys[j], []).append(owners[j])
    del keys, owners, common
    lengths = [array("I") for _ in range(len(cuts) + 1)]
    members = [array("I") for _ in range(len(cuts) + 1)]
    for g in found.values():
        last = len(g) - 1
        i = 0
        while i < last:
            shard = bisect_right(cuts, g[i])
            lengths[shard].append(len(g) - i)
            members[shard].extend(g[i:])
            if shard == len(cuts):
                break
            i = bisect_left(g, cuts[shard], i)
    return [(pack_u32(n), pack_u32(m)) for n, m in zip(lengths, members)]


# -- round 2: one article shard -> candidate pairs ------------------------------------------------

def shard_candidates(item: tuple[int, list[tuple[bytes, bytes]], bytes]) -> bytes:
    """(a, b, shared fingerprints) triples, sorted, for the articles a of one shard: the pairs
    sharing two common fingerprints or more, and those of an article with a single one."""
    end, lists, singles_data = item
    singles = set(u32(singles_data))  # articles with one fingerprint
    counts: Counter = Counter()
    with_single: set[int] = set()
    for lengths_data, members_data in lists:
        members = u32(members_data)
        position = 0
        for n in u32(lengths_data):
            g = members[position:position + n]
            position += n
            if singles and not singles.isdisjoint(g):
                with_single.update(_pairs_before(g, end))
            if n == 2:  # most common fingerprints are in exactly two articles
                counts[g[0] << 32 | g[1]] += 1
                continue
            for i in range(n - 1):
                a = g[i]
                if a >= end:
                    break
                counts.update(map((a << 32).__or__, g[i + 1:]))
    # Most pairs share one stock phrase and are settled here, without a comparison.
    kept = sorted([item for item in counts.items() if item[1] > 1 or item[0] in with_single])
    del counts
    out = array("I")
    for pair, n in kept:
        out.extend((pair >> 32, pair & _M32, n))
    return pack_u32(out)


def _pairs_before(g: Sequence[int], end: int) -> Iterator[int]:
    """Packed pairs (a, later b) of a posting list, for its members a < end."""
    for i, a in enumerate(g):
        if a >= end:
            return
        for b in g[i + 1:]:
            yield a << 32 | b


# -- both rounds ------------------------------------------------------------------------------------

def candidate_pairs(postings: Postings, max_df: int, min_ratio: float = 0.1,
                    article_shards: Optional[int] = None) -> Iterator[tuple[int, int, int]]:
    """(a, b, shared fingerprints) for the candidate pairs a < b, sorted, from ``postings``.

    A pair is a candidate when it shares at least two common fingerprints (one when
    an article has a single fingerprint) and at least ``min_ratio`` of the smaller set.
    """
    sizes = postings.sizes
    if article_shards is None:
        article_shards = max(ARTICLE_SHARDS, -(-len(sizes) // ARTICLES_PER_SHARD))
    cuts = article_cuts(len(sizes), article_shards)
    try:
        rounds = corpus_map(shard_lists, ((k, o, max_df, cuts) for k, o in postings.shards()))
        by_article: list[list[tuple[bytes, bytes]]] = [[] for _ in range(len(cuts) + 1)]
        for shard_result in rounds:
            for bucket, lists in zip(by_article, shard_result):
                if lists[0]:
                    bucket.append(lists)
    finally:
        postings.close()
    singles = pack_u32(array("I", compress(range(len(sizes)), map((1).__eq__, sizes))))
    items = ((end, by_article[s], singles) for s, end in enumerate([*cuts, len(sizes)]))
    for s, triples in enumerate(corpus_map(shard_candidates, items)):
        by_article[s] = []  # what this shard needed can go
        values = u32(triples)
        for i in range(0, len(values), 3):
            a, b, n = values[i], values[i + 1], values[i + 2]
            smaller = min(sizes[a], sizes[b])
            if n >= min(2, smaller) and n >= min_ratio * smaller:
                yield a, b, n


def candidate_counts(fingerprints: Sequence[bytes], max_df: int, min_ratio: float = 0.0,
                     fingerprint_shards: int = FINGERPRINT_SHARDS,
                     article_shards: Optional[int] = None) -> dict[tuple[int, int], int]:
    """``{(a, b): shared fingerprints}`` of a list of fingerprint sets (tests and diagnostics)."""
    postings = Postings(fingerprint_shards)
    for i, data in enumerate(fingerprints):
        postings.add(i, data)
    return {(a, b): n for a, b, n in candidate_pairs(postings, max_df, min_ratio, article_shards)}
