"""Duplicate-story rules (NL4xx): exact, near and rewritten copies across a corpus, with the evidence.

Each article is sketched once (``_duplicates_sketch``: residue lines dropped,
NFKC, case folding, word 5-grams, winnowed fingerprints); the corpus is paired
once (``_duplicates_pairs``: inverted index with a document-frequency cap,
exact verification, shared passages as line ranges, union-find clusters) and
the three rules report their share of the result. ``newslint index build``
writes the sketches of a corpus to an on-disk index (``_duplicates_index``)
and ``newslint check --index DIR FILES`` checks new articles against it.
"""

from __future__ import annotations

import argparse
import os
from itertools import chain
from typing import Any, Callable, Iterable, Optional, Sequence

from newslint import Article, ArticleRef, Command, Finding, Rule, UsageError, hookimpl

TABLE = "duplicates"


# -- the analysis shared by the three rules ------------------------------------------------

def parse_date(value: Any) -> Optional[float]:
    """A timestamp from an ISO 8601 or RFC 2822 date, a year or epoch seconds; None when unreadable."""
    from datetime import datetime, timezone  # only when dates are compared: start-up stays cheap
    from email.utils import parsedate_to_datetime

    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def display(ref: ArticleRef) -> str:
    if ref.article_id:
        return f"{ref.path} [{ref.article_id}]"
    if ref.record is not None:
        return f"{ref.path} (record {ref.record})"
    return ref.path


def pct(value: float) -> str:
    return f"{100 * value:.0f}%"


class Analysis:
    """Sketches each article once for the three rules, and pairs each corpus once."""

    def __init__(self, options: dict[str, Any], index: Optional[str]) -> None:
        from ._duplicates_pairs import Thresholds

        self.options = options
        self.thresholds = Thresholds.from_options(options)
        self.drop_residue = options.get("drop-residue", True) is not False
        self.date_field = options.get("date-field") or "date"
        self.index_dir = index
        self._last: Optional[tuple[Article, Any]] = None
        self._sketch_text: Optional[Callable[[str, bool], Any]] = None
        self._memo_key: Optional[tuple] = None
        self._memo: dict[str, list[Finding]] = {}

    def sketch(self, article: Article):
        last = self._last
        if last is not None and last[0] is article:
            return last[1]
        sketch_text = self._sketch_text
        if sketch_text is None:  # imported on first use; an import statement per article costs 1 us
            from ._duplicates_sketch import sketch_text
            self._sketch_text = sketch_text
        value = sketch_text(article.text, self.drop_residue)
        self._last = (article, value)
        return value

    def date_of(self, ref: ArticleRef) -> Optional[float]:
        return parse_date(ref.meta.get(self.date_field)) if ref.meta else None

    def findings(self, code: str, collected: Sequence[tuple[ArticleRef, Any]]) -> list[Finding]:
        """This rule's findings; the corpus is analysed once however many NL4 rules run."""
        # Which corpus this is, from up to 64 evenly spaced articles: reading all of a large
        # (on-disk) corpus once per NL4 rule just to compare would cost more than the memo saves.
        step = max(1, len(collected) // 64)
        sample = [collected[i] for i in range(0, len(collected), step)] + list(collected[-1:])
        key = (len(collected), tuple((r.path, r.record, s.key) for r, s in sample))
        if key != self._memo_key:
            self._memo_key = key
            self._memo = {}
            # An error (a missing index) is raised once, by the first NL4 rule to finalize.
            self._memo = self._analyse(collected)
        return self._memo.get(code, [])

    def _analyse(self, collected: Sequence[tuple[ArticleRef, Any]]) -> dict[str, list[Finding]]:
        from ._duplicates_pairs import analyse

        # Views, not copies: a large corpus's sketches stay on disk until pairing needs them.
        refs = _Column(collected, 0)
        sketches = _Column(collected, 1)
        dates = [self.date_of(r) for r, _ in collected]
        out: dict[str, list[Finding]] = {}
        for report in analyse(sketches, dates, self.thresholds):
            later = refs[report.article]
            others = [(refs[rel.other], sketches[rel.other], rel) for rel in report.relations]
            finding = make_finding(report.kind, later, sketches[report.article], others, self.thresholds)
            out.setdefault(finding.code, []).append(finding)
        if self.index_dir:
            for finding in self._check_index(refs, sketches):
                out.setdefault(finding.code, []).append(finding)
        return out

    def _check_index(self, refs: Sequence[ArticleRef], sketches: Sequence[Any]) -> Iterable[Finding]:
        from ._duplicates_index import IndexError_

        index = open_index(self.index_dir)
        try:
            for ref, sketch in zip(refs, sketches):
                if sketch.tokens < self.thresholds.min_words:
                    continue
                for kind, entry_ref, entry_sketch, relation in match_index(index, ref, sketch, self.thresholds):
                    yield make_finding(kind, ref, sketch, [(entry_ref, entry_sketch, relation)],
                                       self.thresholds, indexed=True)
        except IndexError_ as error:
            raise UsageError(str(error)) from None
        finally:
            index.close()


class _Column(Sequence):
    """One side of the (ArticleRef, sketch) pairs, read on demand."""

    def __init__(self, pairs: Sequence[tuple[ArticleRef, Any]], side: int) -> None:
        self.pairs = pairs
        self.side = side

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index):  # type: ignore[override]
        return self.pairs[index][self.side]

    def __iter__(self):
        side = self.side
        return (pair[side] for pair in self.pairs)


def open_index(directory: str):
    from ._duplicates_index import Index, IndexError_

    try:
        return Index(directory)
    except IndexError_ as error:
        raise UsageError(f"--index: {error}") from None


def same_article(ref: ArticleRef, path: str, abspath: str, record: Optional[int]) -> bool:
    if record != ref.record:
        return False
    return os.path.normpath(path) == os.path.normpath(ref.path) or abspath == os.path.abspath(ref.path)


def match_index(index, ref: ArticleRef, sketch, t) -> Iterable[tuple[str, ArticleRef, Any, Any]]:
    """(kind, indexed article, its sketch, relation) for each indexed article ``sketch`` repeats."""
    from ._duplicates_pairs import Comparison, Relation, classify, compare, gram_set, details_of

    mine = gram_set(sketch)
    near: list[tuple[ArticleRef, Any, Any]] = []
    shared: list[tuple[ArticleRef, Any, Any]] = []
    for (shard, _), entry in index.entries(index.candidates(sketch, t.max_df)):
        if same_article(ref, entry.path, entry.abspath, entry.record) or entry.sketch.tokens < t.min_words:
            continue
        if index.superseded(shard, entry.path, entry.record):
            continue  # `index add` of a path indexed before: only its newest version counts
        other = ArticleRef(entry.path, entry.record, entry.article_id, entry.first_line)
        if entry.sketch.key == sketch.key:
            near.append((other, entry.sketch, Relation(-1, "exact", Comparison(len(mine), len(mine), len(mine)))))
            continue
        theirs = gram_set(entry.sketch)
        c = compare(entry.sketch, sketch, theirs, mine)
        kind = classify(c, t, details_of(entry.sketch, sketch, theirs, mine))
        if kind == "near":
            near.append((other, entry.sketch, Relation(-1, "near", c)))
        elif kind == "shared":
            shared.append((other, entry.sketch, Relation(-1, "shared", c)))
    if near:
        near.sort(key=lambda item: (("exact", "near").index(item[2].kind), -item[2].comparison.jaccard))
        near = near[:t.max_related]
        kind = "exact" if near[0][2].kind == "exact" else "near"
        first_ref, first_sketch, first_rel = near[0]
        yield kind, first_ref, first_sketch, first_rel
        for item in near[1:]:
            yield item[2].kind, *item
    for item in shared:
        yield "shared", *item


CODES = {"exact": "NL401", "near": "NL402", "shared": "NL403"}


def first_line_of(sketch) -> int:
    from ._duplicates_sketch import u32

    numbers = u32(sketch.line_numbers)
    return numbers[0] if numbers else 1


def make_finding(kind: str, ref: ArticleRef, sketch, others: list, t, indexed: bool = False) -> Finding:
    """The finding on the later article ``ref`` for its relations ``others`` = [(ref, sketch, Relation)]."""
    rule = RULES[CODES[kind]]
    where = " (indexed)" if indexed else ""
    if kind == "shared":
        return _shared_finding(rule, ref, sketch, others[0], where)
    first_other_ref, _, first = others[0]
    c = first.comparison
    if kind == "exact":
        message = f"exact duplicate of {display(first_other_ref)}{where}: the same words once residue, case and punctuation are ignored"
    else:
        # c compares the other (a) with this article (b)
        message = (f"near-duplicate of {display(first_other_ref)}{where}: Jaccard {c.jaccard:.2f}, "
                   f"{pct(c.containment_b)} of this article and {pct(c.containment_a)} of the other shared "
                   f"({c.shared} word 5-grams)")
    if len(others) > 1:
        rest = [display(o[0]) for o in others[1:]]
        message += f"; {len(rest)} more cop{'y' if len(rest) == 1 else 'ies'} in its cluster: {', '.join(rest[:5])}"
        if len(rest) > 5:
            message += ", ..."
    related = [o[0].location(first_line_of(o[1])) for o in others]
    return rule.finding_at(ref, first_line_of(sketch), message, related=related)


def _shared_finding(rule: Rule, ref: ArticleRef, sketch, other: tuple, where: str) -> Finding:
    from ._duplicates_pairs import gram_set, line_ranges, passages

    other_ref, other_sketch, relation = other
    c = relation.comparison  # a = the other article, b = this one
    here = passages(sketch, gram_set(other_sketch))
    there = passages(other_sketch, gram_set(sketch))
    count = max(len(here), len(there))
    message = (f"shares {count} passage{'s' if count != 1 else ''} with {display(other_ref)}{where}: "
               f"{c.shared} word 5-grams, {pct(c.containment_b)} of this article and "
               f"{pct(c.containment_a)} of the other")
    if here:
        message += f"; lines {line_ranges(here)} here"
    if there:
        message += f", lines {line_ranges(there)} there"
    line = here[0][0] if here else first_line_of(sketch)
    end_line = here[0][1] if here else line
    related = [other_ref.location(p[0]) for p in there[:RELATED_PASSAGES]] or [other_ref.location(first_line_of(other_sketch))]
    # The span covers the first passage's lines whole: it ends at the start of the next line.
    return rule.finding_at(ref, line, message, end_line=end_line + 1, end_column=1, related=related)


RELATED_PASSAGES = 10


# -- the rules ------------------------------------------------------------------------------

class _DuplicateRule(Rule):
    severity = "warning"

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis

    def collect(self, article: Article):
        return self.analysis.sketch(article)

    def finalize(self, collected: Sequence[tuple[ArticleRef, Any]]) -> Iterable[Finding]:
        return self.analysis.findings(self.code, collected)


class ExactDuplicate(_DuplicateRule):
    """## What it does
    Flags an article whose words are the same as those of an earlier article in
    the corpus (or in the index given with `--index`), once residue lines,
    Unicode forms, case, quotes, dashes and punctuation are ignored. Copies that
    differ only in share buttons, captions or "Advertisement" lines are exact
    copies. The finding is on the later article (by the `date` metadata when
    both have one, else by path order) and `related` points at the earlier
    copies; all copies of one story form one cluster.

    ## Why is this bad?
    A wire story re-sent, or a page scraped twice, counts twice in every
    statistic and gets twice the weight in training data.

    ## Example
    `2019/03/trump-sanctions.md` and `archive/trump-sanctions-2.md` hold the
    same article under different navigation menus.

    ## Fix safety
    No fix: which copy to keep is the user's decision.
    """

    code = "NL401"
    name = "exact-duplicate"
    summary = "the same article as an earlier one"


class NearDuplicate(_DuplicateRule):
    """## What it does
    Flags an article that is nearly the same as an earlier one: the Jaccard
    similarity of their word 5-gram sets is at least `near-jaccard` (0.8), or
    each contains at least `near-containment` (90%) of the other's 5-grams. A
    changed headline, a corrected figure or a re-scrape with other residue stays
    a near-duplicate. The message gives the figures; near copies of near copies
    join one cluster (union-find) and the finding lists the whole cluster.

    ## Why is this bad?
    Near copies inflate a corpus as exact copies do, and hashing the raw text
    (or MinHash at its usual thresholds) misses many of them.

    ## Example
    An updated Reuters story that adds one paragraph to the 10:00 version:
    "near-duplicate of reuters/1000.txt: Jaccard 0.86, 99% of this article and
    87% of the other shared (791 word 5-grams)".

    ## Fix safety
    No fix: keep the latest version or the longest, as the corpus needs.
    """

    code = "NL402"
    name = "near-duplicate"
    summary = "nearly the same article as an earlier one"


class SharedStory(_DuplicateRule):
    """## What it does
    Flags a rewrite or partial copy: another version of an earlier story that
    keeps some of its sentences and quotes. It reports when at least
    `shared-containment` (60%) of the shorter article's word 5-grams and at
    least `min-shared` (20) 5-grams are in the other, or when a much shorter
    article (at most `abridged-ratio`, half, the other's length) takes at least
    `abridged-containment` (25%) and `abridged-min-shared` (100) 5-grams from
    it, in prose lines, and the two leads do not name different weekdays (that
    is a follow-up of another news day). The message gives the figures and the shared passages as line ranges in
    both articles; `related` points at each passage in the other. Pairs are
    never chained. Two texts of one template with other figures (weekly
    reserves, money supply), or one recurring report for another date (the
    first date each writes, "week ended March 26", is not among the other's
    dates), are different stories and are not reported.

    ## Why is this bad?
    Rewrites are the same story told twice; deduplication by Jaccard similarity
    cannot see them, and a reader of the corpus wants to know which passages
    repeat.

    ## Example
    A shorter rewrite that shares three sentences and a quoted tweet: "shares 5
    passages with wapo.txt: 120 word 5-grams, 29% of this article and 13% of
    the other; lines 3, 7, 11-13 here, lines 12, 20, 31-33 there".

    ## Fix safety
    No fix: a rewrite may be worth keeping.
    """

    code = "NL403"
    name = "shared-story"
    summary = "a rewrite or partial copy of an earlier story"


RULES: dict[str, Rule] = {}


# -- hooks ------------------------------------------------------------------------------------

OPTIONS = [
    ("near-jaccard", "float", 0.8, "NL402: Jaccard of the word 5-gram sets at least this"),
    ("near-containment", "float", 0.9, "NL402: or each article contains this share of the other"),
    ("shared-containment", "float", 0.6, "NL403: share of the shorter article found in the other"),
    ("min-shared", "int", 20, "NL403: and at least this many shared word 5-grams"),
    ("abridged-ratio", "float", 0.5, "NL403 abridged copies: the shorter article at most this share of the other's length"),
    ("abridged-containment", "float", 0.25, "NL403 abridged copies: share of the shorter article found in the other"),
    ("abridged-min-shared", "int", 100, "NL403 abridged copies: shared word 5-grams at least"),
    ("figure-agreement", "float", 0.5, "below this share of shared figures a pair is one template with other figures"),
    ("min-words", "int", 8, "articles with fewer words are not compared"),
    ("max-df", "int", 100, "a fingerprint in more articles than this (boilerplate) creates no pair"),
    ("max-related", "int", 10, "related articles listed per finding"),
    ("date-field", "str", "date", "metadata field with the publication date (the later article gets the finding)"),
    ("drop-residue", "bool", True, "ignore lines the residue rules flag before comparing"),
]


@hookimpl
def newslint_addoption(parser) -> None:
    for name, kind, default, help_ in OPTIONS:
        parser.addoption(name, type=kind, default=default, table=TABLE, help=help_)
    parser.addoption("index", type="str", default=None, metavar="DIR",
                     help="also check articles against this duplicates index (newslint index build)")


@hookimpl
def newslint_configure(config) -> None:
    options = config.table(TABLE)
    for name, kind, _, _ in OPTIONS:
        value = options.get(name)
        if kind == "float" and value is not None and not 0.0 <= value <= 1.0:
            raise UsageError(f"[tool.newslint.{TABLE}] {name} must be between 0 and 1, not {value}")
        if kind == "int" and value is not None and value < (2 if name == "max-df" else 1 if name == "max-related" else 0):
            raise UsageError(f"[tool.newslint.{TABLE}] {name} is too small: {value}")
    index = config.get("index")
    if index and getattr(config, "command", "check") == "check":
        # A missing or corrupt index stops the run before any article is read.
        open_index(index).close()


@hookimpl
def newslint_register_rules(register, config) -> None:
    analysis = Analysis(config.table(TABLE), config.get("index"))
    for cls in (ExactDuplicate, NearDuplicate, SharedStory):
        rule = cls(analysis)
        RULES[cls.code] = rule
        register(rule)


# -- newslint index build / add / verify ---------------------------------------------------------

def _index_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="index_command", metavar="ACTION", required=True)
    build = sub.add_parser("build", help="write the sketches of a corpus to a new index folder")
    build.add_argument("paths", nargs="+", help="files or folders to index")
    build.add_argument("-o", "--output", required=True, metavar="DIR", help="the index folder to create")
    build.add_argument("--shard-size", type=int, default=None, metavar="N", help="articles per shard (100000)")
    add = sub.add_parser("add", help="add articles to an existing index")
    add.add_argument("directory", metavar="DIR", help="the index folder")
    add.add_argument("paths", nargs="+", help="files or folders to add")
    for command in (build, add):
        command.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                             help="processes that sketch the articles (default: all cores; small inputs use one)")
    check = sub.add_parser("verify", help="check every shard's checksum")
    check.add_argument("directory", metavar="DIR", help="the index folder")


def _run_index(args: argparse.Namespace, session) -> int:
    from ._duplicates_index import DEFAULT_SHARD_SIZE, Index, IndexError_, IndexWriter

    out, err = session.stdout, session.stderr
    options = session.config.table(TABLE)
    try:
        if args.index_command == "verify":
            index = Index(args.directory, full_verify=True)
            out.write(f"{args.directory}: {index.articles} articles in {len(index.manifest['shards'])} shards, "
                      "all checksums match\n")
            return 0
        if args.index_command == "build":
            writer = IndexWriter(args.output, settings={"drop-residue": options.get("drop-residue", True)},
                                 shard_size=args.shard_size or DEFAULT_SHARD_SIZE,
                                 max_df=options.get("max-df") or 100)
            target = args.output
        else:
            writer = IndexWriter(args.directory, append=True)
            target = args.directory
        if args.jobs < 0:
            raise UsageError("--jobs must be 0 (all cores) or more")
        errors = _fill(writer, session, args.paths, options, args.jobs)
        manifest = writer.close()
    except IndexError_ as error:
        err.write(f"newslint: error: {error}\n")
        return 2
    total = sum(s["articles"] for s in manifest["shards"])
    out.write(f"{target}: {writer.written} articles indexed ({total} in {len(manifest['shards'])} shards)"
              f"{f', {errors} read errors' if errors else ''}\n")
    return 2 if errors else 0


#: Articles sketched per task when ``index build`` or ``add`` runs on several processes.
INDEX_BATCH = 256


def _sketch_batch(item: tuple[list[str], bool]) -> list[Any]:
    """The sketches of a batch of texts (runs in a worker process)."""
    from ._duplicates_sketch import sketch_text

    texts, drop = item
    return [sketch_text(text, drop) for text in texts]


def _fill(writer, session, paths: list[str], options: dict[str, Any], jobs: int = 1) -> int:
    """Sketch every article below ``paths`` into ``writer``, in order; the number of read errors."""
    from newslint import Executor, ReadError

    from ._duplicates_index import Entry

    drop = options.get("drop-residue", True) is not False
    date_field = options.get("date-field") or "date"
    errors = 0

    def batches() -> Iterable[tuple[list[Article], list[str]]]:
        nonlocal errors
        batch: list[Article] = []
        for item in session.iter_articles(paths):
            if isinstance(item, ReadError):
                session.stderr.write(f"{item.path}:{item.line}:{item.column}: NL001 {item.message}\n")
                errors += 1
                continue
            batch.append(item)
            if len(batch) == INDEX_BATCH:
                yield batch, [a.text for a in batch]
                batch = []
        if batch:
            yield batch, [a.text for a in batch]

    def add(batch: list[Article], sketches: list[Any]) -> None:
        for item, sketch in zip(batch, sketches):
            writer.add(Entry(item.path, item.record, item.article_id, item.first_line,
                             parse_date(item.meta.get(date_field)), sketch, os.path.abspath(item.path)))

    workers = jobs or Executor.cores()
    stream = iter(batches())
    first = next(stream, None)
    if first is None:
        return errors
    second = next(stream, None)
    if workers == 1 or second is None:  # one batch, or one process: no pool to start
        for batch, texts in filter(None, chain((first, second), stream)):
            add(batch, _sketch_batch((texts, drop)))
        return errors
    def submit(pair: tuple[list[Article], list[str]]):
        # A pool broken by a killed worker gives a failed future: that batch is done below.
        return Executor.submit_or_fail(pool, _sketch_batch, (pair[1], drop))

    with Executor.process_pool(workers) as pool:
        submitted = Executor.bounded(submit, chain((first, second), stream), 2 * workers)
        for (batch, texts), future in submitted:
            try:
                sketches = future.result()
            except Exception:  # a worker (or the pool) died: sketch that batch here, the index stays whole
                sketches = _sketch_batch((texts, drop))
            add(batch, sketches)
    return errors


@hookimpl
def newslint_register_commands(register) -> None:
    register(Command("index", "build, extend or verify a duplicates index for `check --index DIR`",
                     _index_arguments, _run_index))
