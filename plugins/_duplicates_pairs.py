"""Pairing sketches: candidates, exact verification, shared passages, clusters.

Candidates come from an inverted index fingerprint -> articles built shard by
shard (see ``_duplicates_shards``); a fingerprint found in more than ``max_df``
articles is boilerplate or a stock phrase and creates no pair. Each candidate pair is then verified exactly on the sets of
5-gram hashes: containment both ways, Jaccard, shared 5-gram count, and the
figures the two texts write. Exact and near copies are joined into clusters
with union-find; rewrites and partial copies stay pairs and are never chained.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Optional, Sequence

from ._duplicates_shards import Postings, candidate_pairs
from ._duplicates_sketch import K, Sketch, u32



@dataclass(frozen=True)
class Thresholds:
    """When two articles are the same story; ``[tool.newslint.duplicates]`` sets them."""

    #: Near duplicates: Jaccard of the 5-gram sets at least this ...
    near_jaccard: float = 0.8
    #: ... or each article contained in the other at least this much.
    near_containment: float = 0.9
    #: Shared story: this share of the shorter article's 5-grams is in the longer ...
    shared_containment: float = 0.6
    #: ... and at least this many 5-grams are shared.
    min_shared: int = 20
    #: Abridged copy: an article at most ``abridged_ratio`` the length of the other ...
    abridged_ratio: float = 0.5
    #: ... that takes at least this share of its 5-grams ...
    abridged_containment: float = 0.25
    #: ... and at least this many 5-grams from it.
    abridged_min_shared: int = 100
    #: Below this share of the shorter article's figures found in the other, two
    #: texts are one template with other figures (weekly reserves, money supply).
    figure_agreement: float = 0.5
    #: Articles with fewer words are not compared (stubs, empty pages).
    min_words: int = 8
    #: A fingerprint in more articles than this creates no candidate pair.
    max_df: int = 100
    #: A pair is verified when it shares this share of the smaller fingerprint set (or more).
    candidate_ratio: float = 0.1
    #: Related articles listed per finding at most.
    max_related: int = 10

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> "Thresholds":
        names = {f: f.replace("_", "-") for f in cls.__dataclass_fields__}
        return cls(**{f: options[key] for f, key in names.items() if options.get(key) is not None})


@dataclass(frozen=True)
class Comparison:
    """Exact figures of one pair, from the sets of 5-gram hashes."""

    shared: int
    grams_a: int
    grams_b: int
    figures_a: int = 0
    figures_b: int = 0
    figures_shared: int = 0
    #: Both leads name the day of the news and no day is the same: two news days.
    other_day: bool = False
    #: Each text's first date is not among the other's dates: one report for two dates.
    other_date: bool = False

    @property
    def jaccard(self) -> float:
        union = self.grams_a + self.grams_b - self.shared
        return self.shared / union if union else 0.0

    @property
    def containment_a(self) -> float:
        """Share of a's 5-grams found in b."""
        return self.shared / self.grams_a if self.grams_a else 0.0

    @property
    def containment_b(self) -> float:
        return self.shared / self.grams_b if self.grams_b else 0.0

    def swapped(self) -> "Comparison":
        return Comparison(self.shared, self.grams_b, self.grams_a, self.figures_b, self.figures_a,
                          self.figures_shared, self.other_day, self.other_date)


def gram_set(sketch: Sketch) -> set[int]:
    return set(u32(sketch.grams))


def compare(a: Sketch, b: Sketch, set_a: Optional[set[int]] = None,
            set_b: Optional[set[int]] = None) -> Comparison:
    """The exact figures of a pair."""
    set_a = gram_set(a) if set_a is None else set_a
    set_b = gram_set(b) if set_b is None else set_b
    shared = len(set_a & set_b) if len(set_a) <= len(set_b) else len(set_b & set_a)
    fa, fb = set(u32(a.figures)), set(u32(b.figures))
    other_day = bool(a.weekdays and b.weekdays and not a.weekdays & b.weekdays)
    return Comparison(shared, len(set_a), len(set_b), len(fa), len(fb), len(fa & fb), other_day,
                      other_date(a.dates, b.dates))


def other_date(a: bytes, b: bytes) -> bool:
    """Whether two texts date their news differently: each names dates, and the first date of
    each (a weekly report's "week ended March 26", a tender's "pledged on May 6") is not among
    the other's. A rewrite or an update names its story's date again ("the Senate, debating
    since May 7"), whatever other dates either adds."""
    if not a or not b:
        return False
    dates_a, dates_b = u32(a), u32(b)
    return dates_a[0] not in dates_b and dates_b[0] not in dates_a


#: Lines with fewer words are headlines, navigation, bylines: not prose (see Detail).
PROSE_WORDS = 8


class Detail(NamedTuple):
    """What a possible shared story is made of, counted in the shorter article."""

    #: Shared 5-grams that start in a line of at least PROSE_WORDS words: site chrome (menus,
    #: share rows, footers the residue rules miss) is made of short lines.
    prose_shared: int
    #: 5-grams that contain a figure, and how many of them are shared ...
    figure_grams: int
    figure_shared: int
    #: ... and the same for the 5-grams without a figure.
    text_grams: int
    text_shared: int

    def other_figures(self, agreement: float) -> bool:
        """The words match and the figures do not: one template with other figures."""
        if self.figure_grams < 10 or not self.text_grams:
            return False
        return self.figure_shared / self.figure_grams <= agreement * self.text_shared / self.text_grams


def detail(sketch: Sketch, other: set[int]) -> Detail:
    grams = u32(sketch.grams)
    n = len(grams)
    contains = other.__contains__
    shared = list(map(contains, grams))
    starts = u32(sketch.line_starts)
    ends = list(starts[1:]) + [sketch.tokens]
    prose = sum(sum(shared[first:min(end, n)]) for first, end in zip(starts, ends)
                if end - first >= PROSE_WORDS)
    touched = set()
    for p in u32(sketch.figure_tokens):
        touched.update(range(max(0, p - K + 1), min(p + 1, n)))
    figure_shared = sum(shared[i] for i in touched)
    total_shared = sum(shared)
    return Detail(prose, len(touched), figure_shared, n - len(touched), total_shared - figure_shared)


def classify(c: Comparison, t: Thresholds, details: Optional[Callable[[], Detail]] = None) -> Optional[str]:
    """``near``, ``shared`` (a rewrite or partial copy) or None (different stories).

    ``details`` gives the :class:`Detail` of the shorter article (computed only when a
    pair may be a shared story); without it those checks are skipped."""
    if not c.shared:
        return None
    if c.jaccard >= t.near_jaccard or min(c.containment_a, c.containment_b) >= t.near_containment:
        return "near"
    if c.grams_a <= c.grams_b:
        small, large, contained, figures, figures_small = c.grams_a, c.grams_b, c.containment_a, c.figures_shared, c.figures_a
    else:
        small, large, contained, figures, figures_small = c.grams_b, c.grams_a, c.containment_b, c.figures_shared, c.figures_b
    if figures_small >= 2 and figures < t.figure_agreement * figures_small:
        return None  # one template filled with other figures: a different story
    if c.other_date:
        return None  # one recurring report (or template) for another date: a different story
    main = c.shared >= t.min_shared and contained >= t.shared_containment
    # An abridged copy of another day's report is a follow-up that repeats background.
    abridged = (not main and not c.other_day and c.shared >= t.abridged_min_shared
                and contained >= t.abridged_containment and small <= t.abridged_ratio * large)
    if not (main or abridged):
        return None
    if details is None:
        return "shared"
    d = details()
    if main and figures < figures_small and d.other_figures(t.figure_agreement):
        return None  # a template: some figures differ, and where figures stand the texts part
    # The weakest evidence must be prose: menus and footers a site repeats are not a story.
    # (Not asked of the main tier: wire tables, "Shr 19 cts vs 38 cts", are short lines too.)
    if abridged and d.prose_shared < t.abridged_min_shared:
        return None
    return "shared"


# -- verification, clusters, reports ------------------------------------------------------

@dataclass
class Relation:
    """One earlier article related to the reported one."""

    other: int
    #: exact | near | shared | cluster (in a near-duplicate cluster through other copies)
    kind: str
    comparison: Comparison


@dataclass
class Report:
    """What one finding says: the later article and the earlier ones it repeats."""

    article: int
    kind: str  # exact | near | shared
    relations: list[Relation] = field(default_factory=list)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        self.parent.setdefault(a, a)
        self.parent.setdefault(b, b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                ra, rb = rb, ra
            self.parent[ra] = rb  # the smaller index is the root: stable clusters


def _order_key(dates: Sequence[Optional[float]], members: Sequence[int]):
    if all(dates[m] is not None for m in members):
        return lambda m: (dates[m], m)
    return lambda m: m


def later_of(a: int, b: int, dates: Sequence[Optional[float]]) -> tuple[int, int]:
    """(later, earlier): by date when both have one, else by position (path order)."""
    da, db = dates[a], dates[b]
    if da is not None and db is not None and da != db:
        return (a, b) if da > db else (b, a)
    return (a, b) if a > b else (b, a)


class _GramSets:
    """A small cache of 5-gram sets: verification visits pairs grouped by their first article."""

    def __init__(self, sketches: Sequence[Sketch], size: int = 256) -> None:
        self.sketches = sketches
        self.size = size
        self.cache: dict[int, set[int]] = {}

    def __getitem__(self, i: int) -> set[int]:
        found = self.cache.get(i)
        if found is None:
            if len(self.cache) >= self.size:
                self.cache.pop(next(iter(self.cache)))
            found = self.cache[i] = gram_set(self.sketches[i])
        return found


def analyse(sketches: Sequence[Sketch], dates: Sequence[Optional[float]], t: Thresholds,
            stats: Optional[dict[str, int]] = None) -> list[Report]:
    """Every duplicate finding of a corpus, as reports on the later articles."""
    # Pairing allocates millions of small containers and makes no reference cycles: the
    # cyclic collector would only re-walk every sketch of the corpus again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyse(sketches, dates, t, stats)
    finally:
        if enabled:
            gc.enable()


def _analyse(sketches: Sequence[Sketch], dates: Sequence[Optional[float]], t: Thresholds,
             stats: Optional[dict[str, int]]) -> list[Report]:
    first: dict[int, int] = {}  # exact key -> its first article
    copies: dict[int, list[int]] = {}  # only keys with several articles (saves memory at scale)
    postings = Postings()
    # One pass over the sketches, which for a large corpus are read from disk: the first copy
    # of each text gives its fingerprints to the shards, later steps fetch the few they verify.
    n = 0
    for i, sketch in enumerate(sketches):
        n += 1
        if sketch.tokens >= t.min_words:
            known = first.setdefault(sketch.key, i)
            if known != i:
                copies.setdefault(sketch.key, [known]).append(i)
            else:
                postings.add(i, sketch.fingerprints)
    representatives = len(first)
    del first
    sets = _GramSets(sketches)
    uf = _UnionFind()
    shared_pairs: list[tuple[int, int, Comparison]] = []
    verified = 0
    for a, b, _ in candidate_pairs(postings, t.max_df, t.candidate_ratio):
        verified += 1
        c = compare(sketches[a], sketches[b], sets[a], sets[b])
        kind = classify(c, t, _details(sketches, sets, a, b))
        if kind == "near":
            uf.union(a, b)
        elif kind == "shared":
            shared_pairs.append((a, b, c))
    if stats is not None:
        stats.update(articles=n, representatives=representatives, verified_pairs=verified)
    for group in copies.values():
        for i in group[1:]:
            uf.union(group[0], i)
    reports = _cluster_reports(sketches, dates, t, uf, sets)
    clustered = uf.find
    for a, b, c in shared_pairs:
        if clustered(a) == clustered(b):
            continue  # already reported as copies of one story
        for x in copies.get(sketches[a].key, [a])[:t.max_related]:
            for y in copies.get(sketches[b].key, [b])[:t.max_related]:
                later, earlier = later_of(x, y, dates)
                relation_c = c if earlier == x else c.swapped()
                reports.append(Report(later, "shared", [Relation(earlier, "shared", relation_c)]))
    reports.sort(key=lambda r: (r.article, r.kind))
    return reports


def _details(sketches: Sequence[Sketch], sets: "_GramSets", a: int, b: int) -> Callable[[], Detail]:
    return details_of(sketches[a], sketches[b], sets[a], sets[b])


def details_of(a: Sketch, b: Sketch, set_a: set[int], set_b: set[int]) -> Callable[[], Detail]:
    """A function giving the :class:`Detail` of the shorter of a and b against the other."""
    def compute() -> Detail:
        return detail(a, set_b) if len(set_a) <= len(set_b) else detail(b, set_a)
    return compute


def _cluster_reports(sketches: Sequence[Sketch], dates: Sequence[Optional[float]], t: Thresholds,
                     uf: _UnionFind, sets: _GramSets) -> list[Report]:
    clusters: dict[int, list[int]] = {}
    for x in list(uf.parent):
        clusters.setdefault(uf.find(x), []).append(x)
    reports = []
    for members in clusters.values():
        if len(members) < 2:
            continue
        members.sort(key=_order_key(dates, members))
        for position, m in enumerate(members[1:], 1):
            earlier = members[:position]
            relations = []
            for e in earlier[:t.max_related]:
                if sketches[e].key == sketches[m].key:
                    c = Comparison(len(sets[e]), len(sets[e]), len(sets[e]))
                    relations.append(Relation(e, "exact", c))
                    continue
                c = compare(sketches[e], sketches[m], sets[e], sets[m])
                relations.append(Relation(e, "near" if classify(c, t) == "near" else "cluster", c))
            relations.sort(key=lambda r: ("exact", "near", "cluster").index(r.kind))
            kind = "exact" if relations[0].kind == "exact" else "near"
            reports.append(Report(m, kind, relations))
    return reports


# -- passages -----------------------------------------------------------------------------

#: Shared runs shorter than this many words are stock phrases, not passages.
MIN_PASSAGE_WORDS = 8


def passages(sketch: Sketch, other: set[int], min_words: int = MIN_PASSAGE_WORDS) -> list[tuple[int, int, int]]:
    """The passages of ``sketch`` whose 5-grams are in ``other``: (first line, last line, words)."""
    grams = u32(sketch.grams)
    hits = list(compress(range(len(grams)), map(other.__contains__, grams)))
    runs: list[list[int]] = []
    for i in hits:
        if runs and i <= runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    starts, numbers = u32(sketch.line_starts), u32(sketch.line_numbers)
    # Passages are merged when nothing but their line break separates them: a shared
    # run ends at a line break because the 5-grams across it differ (a headline, a
    # re-flowed paragraph), not because the text stops being shared.
    out: list[list[int]] = []  # [first kept-line index, last kept-line index, words]
    for first, last in runs:
        words = last + K - first  # tokens first .. last + K - 1
        if words < min_words:
            continue
        a = bisect_right(starts, first) - 1
        b = bisect_right(starts, last + K - 1) - 1
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
            out[-1][2] += words
        else:
            out.append([a, b, words])
    return [(numbers[a], numbers[b], words) for a, b, words in out]


def line_ranges(spans: Iterable[tuple[int, int, int]], limit: int = 8) -> str:
    """``3-5, 9, 12-14`` (and ``, ...`` past ``limit``)."""
    items = [f"{a}" if a == b else f"{a}-{b}" for a, b, _ in spans]
    if len(items) > limit:
        items = items[:limit] + ["..."]
    return ", ".join(items)


def iter_pairs(reports: Iterable[Report]) -> Iterator[tuple[int, int, str]]:
    """(later, earlier, kind) of every relation; for tests and benchmarks."""
    for r in reports:
        for rel in r.relations:
            yield r.article, rel.other, rel.kind
