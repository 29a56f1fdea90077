"""Benchmark of the duplicate rules (NL4xx): sketching speed, scale, and index checks.

    python benchmarks/bench_duplicates.py                       # sketching speed + 100k and 1M runs
    python benchmarks/bench_duplicates.py --sizes 100000        # a quicker scale run
    python benchmarks/bench_duplicates.py --sketch-only

1. Sketching: MB/s of ``collect`` on one core over the real articles of
   ``../shared/eval-dev/perf/corpus.jsonl`` (23,048 articles, 26.8 MB): without
   the residue filter; with it, on its own (``newslint index build``,
   ``--select NL4``: the sketch tests the lines itself); and as in a default
   check, where the residue rules have just tested each article's lines and the
   sketch takes their verdicts. Best of ``--rounds`` rounds (default 3).
2. Scale: N articles made by varying those 23,048 (copy j > 0 of an article maps
   every word through a permutation that is different for each j, so each copy
   is a corpus with the same statistics and its own 5-grams; every 50th article
   is additionally an exact copy, a near copy or a rewrite of its neighbour).
   Words are permuted among words of the same shape (length, case, digits,
   punctuation, non-ASCII letters), so a copy is as long as its original and 10x
   the articles is about 10x the text (the first copy's short 1987 Reuters
   articles make the partial copies at the end of a corpus a little shorter than
   average). Each size runs in a fresh process: time to sketch (``collect``) and
   to pair (``finalize``), findings, peak memory (max RSS), the cyclic garbage
   collector's share of the sketching time, and the sketching time of each block
   of 100,000 articles. ``--repeat N`` runs N interleaved rounds and also gives
   the ratio of the best times per size (CPU time on a shared machine varies by
   up to 30%).
3. Index: the N sketches written to an on-disk index (``newslint index build``'s
   writer), then 200 articles (new ones and copies) checked against it one by
   one: open + verify + query + exact verification, milliseconds each.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "eval-dev" / "perf" / "corpus.jsonl"
if not CORPUS.exists():
    CORPUS = Path("/work/shared/eval-dev/perf/corpus.jsonl")


def load_texts() -> list[str]:
    with open(CORPUS, encoding="utf-8") as stream:
        return [json.loads(line)["text"] for line in stream]


# -- sketching speed -------------------------------------------------------------------------

def bench_sketch(texts: list[str], rounds: int = 3) -> None:
    from newslint import Article
    from newslint_plugins import _duplicates_sketch as sk
    from newslint_plugins import duplicates

    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    articles = [Article(f"perf/{i}.txt", t) for i, t in enumerate(texts)]
    print(f"sketching {len(texts)} articles, {size:.1f} MB, one core, {rounds} rounds "
          "(MB/s of CPU time; the best round is the figure, CPU time on a shared machine varies)")

    def report(label: str, cpus: list[float], note: str = "") -> None:
        speeds = ", ".join(f"{size / c:.1f}" for c in cpus)
        print(f"  {label:34} {size / min(cpus):5.1f} MB/s best ({min(cpus):.2f} s; rounds: {speeds}){note}")

    residue = sk._residue_filter() is not None
    for label, drop in (("residue filter off", False), ("residue filter on, on its own", True)):
        if drop and not residue:
            print("  residue filter: newslint_plugins.residue.is_residue_line not installed")
            continue
        cpus = []
        for _ in range(rounds):
            analysis = duplicates.Analysis({"drop-residue": drop}, None)
            gc.collect()
            cpu = time.process_time()
            for a in articles:
                analysis.sketch(a)
            cpus.append(time.process_time() - cpu)
        # The first round with the filter on also builds the residue test's shortcuts and caches.
        report(label, cpus, "; the first round builds the residue test's caches" if drop else "")
    if residue:
        # In a default check the residue rules have just analysed each article: the sketch takes their
        # whole-line verdicts. Only the sketching is timed here.
        from newslint_plugins import residue as residue_plugin

        catalogue = residue_plugin.catalogue_for(residue_plugin.Settings())
        cpus = []
        for _ in range(rounds):
            analysis = duplicates.Analysis({"drop-residue": True}, None)
            cpu = 0.0
            gc.collect()
            for a in articles:
                residue_plugin.analyse(a, catalogue)
                start = time.process_time()
                analysis.sketch(a)
                cpu += time.process_time() - start
            cpus.append(cpu)
        report("residue filter on, in a check", cpus, "; the residue rules' verdicts reused")


# -- varied corpora ----------------------------------------------------------------------------

class Variants:
    """Article k of a corpus of any size, built from the real ones (see the module docstring)."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        counts = Counter(w for t in texts for w in t.split())
        # Words grouped by their shape, most frequent first: a copy maps each word to one of the
        # same length, letter case, digits and punctuation, and non-ASCII letters where the
        # original has them ("said." -> "bank.", "U.S." -> "A.P."), so a copy is the same text to
        # the sketch but for its words. (Mapping over the whole vocabulary made copies 12% longer,
        # rare words being longer, and put non-ASCII words into most ASCII articles, which made
        # copies slower to sketch per byte than the originals: a corpus of a million articles,
        # mostly copies, was then not just more of the same text as one of 100,000.)
        self.groups: dict[str, list[str]] = {}
        for word, _ in counts.most_common():
            self.groups.setdefault(word.translate(_SHAPE), []).append(word)
        self._copy = -1
        self._table: dict[str, str] = {}

    def _mapping(self, copy: int) -> dict[str, str]:
        if copy != self._copy:
            rng = random.Random(copy)
            table = {}
            for length in sorted(self.groups):
                words = self.groups[length]
                size = len(words)
                step = rng.randrange(1, size) if size > 1 else 1
                while _gcd(step, size) != 1:
                    step += 1
                shift = rng.randrange(size)
                table.update((w, words[(r * step + shift) % size]) for r, w in enumerate(words))
            self._table = table
            self._copy = copy
        return self._table

    def _plain(self, k: int) -> str:
        copy, base = divmod(k, len(self.texts))
        text = self.texts[base]
        if copy == 0:
            return text
        get = self._mapping(copy).__getitem__
        return "\n".join(" ".join(map(get, line.split())) for line in text.split("\n"))

    def __call__(self, k: int) -> str:
        kind = k % 50
        if kind == 1 and k >= 1:          # an exact copy with a residue line more
            return self._plain(k - 1) + "\nAdvertisement\n"
        if kind == 2 and k >= 2:          # a near copy: a new first line, the last paragraph gone
            lines = self._plain(k - 2).split("\n")
            return "\n".join(["UPDATED: " + lines[0]] + lines[1:-1] if len(lines) > 2 else lines)
        if kind == 3 and k >= 3:          # a rewrite: half of the neighbour's lines, then its own
            other = self._plain(k - 3).split("\n")
            mine = self._plain(k).split("\n")
            return "\n".join(other[: max(1, len(other) // 2)] + mine[len(mine) // 2:])
        return self._plain(k)


#: A word's shape: ASCII letters by case, digits, other letters; punctuation as it is.
_SHAPE = {c: ("A" if chr(c).isupper() else "a") if chr(c).isascii() else "x"
          for c in range(0x10000) if chr(c).isalpha()}
_SHAPE.update((ord(d), "0") for d in "0123456789")


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


# -- one scale run (in its own process) ------------------------------------------------------------

#: Articles per block in the per-block sketching times of a scale run.
BLOCK = 100_000


class _GcTime:
    """CPU seconds the cyclic garbage collector takes until ``stop``."""

    def __init__(self, clock) -> None:
        self.clock, self.total, self.started = clock, 0.0, None
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = self.clock()
        elif self.started is not None:
            self.total += self.clock() - self.started
            self.started = None

    def stop(self) -> float:
        gc.callbacks.remove(self)
        return self.total


def scale_child(size: int, residue: bool, index_dir: str, queries: int) -> dict:
    from newslint import Article, ArticleRef
    from newslint_plugins import duplicates

    texts = load_texts()
    variants = Variants(texts)
    del texts
    rules = []
    config = type("C", (), {"table": staticmethod(lambda n: {"drop-residue": residue}),
                            "get": staticmethod(lambda n, d=None: None)})()
    duplicates.newslint_register_rules(rules.append, config)
    collect = rules[0].collect
    collected = []
    text_bytes = 0
    gen_seconds = 0.0
    clock = time.process_time  # CPU seconds: the machine may be shared
    gc_time = _GcTime(clock)
    blocks: list[float] = []
    start = clock()
    for k in range(size):
        t0 = clock()
        text = variants(k)
        gen_seconds += clock() - t0
        text_bytes += len(text.encode("utf-8"))
        article = Article(f"corpus/{k // 1000:04d}/{k}.txt", text)
        collected.append((ArticleRef(article.path), collect(article)))
        if k % 10_000 == 9_999:
            # The engine keeps a large corpus's collected values on disk, out of this process;
            # here they stay in a list, which the cyclic collector would re-walk again and again
            # (10.6 s of 206 s at 1,000,000 articles against 0.7 s of 19 s at 100,000). Frozen,
            # they are out of its sight, as in a real run.
            gc.freeze()
        if k % BLOCK == BLOCK - 1:  # CPU seconds per block of articles: does a large corpus cost more per article?
            blocks.append(round(clock() - start - gen_seconds - sum(blocks), 2))
    gc.unfreeze()
    sketch_seconds = clock() - start - gen_seconds
    sketch_gc_seconds = gc_time.stop()
    rss_sketched = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, wall = clock(), time.perf_counter()
    findings = [f for r in rules for f in r.finalize(collected)]
    pair_seconds, pair_wall = clock() - start, time.perf_counter() - wall
    by_code = Counter(f.code for f in findings)
    peak_pairing = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MB (Linux: KiB)
    result = {"size": size, "mb": text_bytes / 1e6, "generate_s": gen_seconds, "sketch_s": sketch_seconds,
              "pair_s": pair_seconds, "pair_wall_s": pair_wall,
              "sketch_gc_s": sketch_gc_seconds, "sketch_blocks_s": blocks, "findings": dict(sorted(by_code.items())),
              "rss_after_sketch_mb": rss_sketched, "peak_rss_mb": peak_pairing}
    del findings
    print(json.dumps(result), flush=True)  # the scale figures survive a failing index phase
    if index_dir:
        result.update(bench_index(collected, variants, index_dir, queries, residue))
    return result


def bench_index(collected, variants, index_dir: str, queries: int, residue: bool) -> dict:
    from newslint import ArticleRef
    from newslint_plugins import _duplicates_index as dindex
    from newslint_plugins import duplicates
    from newslint_plugins._duplicates_pairs import Thresholds
    from newslint_plugins._duplicates_sketch import sketch_text

    shutil.rmtree(index_dir, ignore_errors=True)
    start = time.process_time()
    writer = dindex.IndexWriter(Path(index_dir))
    for ref, sketch in collected:
        writer.add(dindex.Entry(ref.path, None, None, 1, None, sketch, "/" + ref.path))
    manifest = writer.close()
    build_seconds = time.process_time() - start
    index_bytes = sum(s["bytes"] for s in manifest["shards"])
    size = len(collected)
    del collected
    gc.collect()
    # Queries: half new articles (the next ones of the varied corpus, some of them copies of
    # indexed ones by construction), half re-worded copies of indexed articles.
    rng = random.Random(1)
    texts = [variants(size + i) for i in range(queries // 2)]
    texts += [variants(rng.randrange(size)).replace("\n", "\nAdvertisement\n", 1) for _ in range(queries - queries // 2)]
    sketches = [sketch_text(t, residue) for t in texts]
    t = Thresholds()
    times, found = [], Counter()
    for i, sketch in enumerate(sketches):
        start = time.perf_counter()
        index = dindex.Index(Path(index_dir))
        matches = list(duplicates.match_index(index, ArticleRef(f"new/{i}.txt"), sketch, t))
        index.close()
        times.append((time.perf_counter() - start) * 1000)
        found.update(kind for kind, *_ in matches)
    times.sort()
    return {"index_build_s": build_seconds, "index_mb": index_bytes / 1e6, "index_shards": len(manifest["shards"]),
            "query_ms_median": statistics.median(times), "query_ms_p95": times[int(0.95 * (len(times) - 1))],
            "query_ms_max": times[-1],
            "query_matches": dict(found), "queries": len(times)}


# -- driver ----------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,1000000", help="corpus sizes for the scale runs (comma-separated)")
    ap.add_argument("--sketch-only", action="store_true", help="only the sketching speed")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the sketching speed (best is reported)")
    ap.add_argument("--no-scale", action="store_true", help="skip the scale runs")
    ap.add_argument("--residue", action="store_true",
                    help="keep the residue filter on in the scale runs (slow while is_residue_line is)")
    ap.add_argument("--index-dir", default=None, help="where to build the benchmark index (default: a temp dir)")
    ap.add_argument("--no-index", action="store_true", help="skip the index build and queries")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of the scale runs (interleaved); the ratio is also given for the best times")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        result = scale_child(args.child, args.residue, "" if args.no_index else args.index_dir, args.queries)
        print(json.dumps(result))
        return
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} not found")
    bench_sketch(load_texts(), args.rounds)
    if args.sketch_only or args.no_scale:
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rounds = []
    for _ in range(args.repeat):  # interleaved: a slow spell of the machine hits both sizes alike
        rounds.append(scale_round(args, sizes))
        report_ratio(rounds[-1])
    if len(rounds) > 1 and len(sizes) >= 2:
        best = [min((r[i] for r in rounds), key=lambda r: r["sketch_s"] + r["pair_s"]) for i in range(len(sizes))]
        ratios = sorted(_ratio(r) for r in rounds)
        print(f"over {len(rounds)} rounds: ratios {', '.join(f'{x:.2f}' for x in ratios)}; "
              f"median {statistics.median(ratios):.2f}; of the best times per size:")
        report_ratio(best)


def _ratio(results: list[dict]) -> float:
    small, large = results[0], results[-1]
    return (large["sketch_s"] + large["pair_s"]) / (small["sketch_s"] + small["pair_s"])


def scale_round(args, sizes: list[int]) -> list[dict]:
    """One scale run per size, each in a fresh process."""
    results = []
    for size in sizes:
        tmp = tempfile.mkdtemp(prefix="nl4-bench-")
        index_dir = args.index_dir or os.path.join(tmp, "index")
        argv = [sys.executable, __file__, "--child", str(size), "--index-dir", index_dir,
                "--queries", str(args.queries)]
        if args.residue:
            argv.append("--residue")
        if args.no_index:
            argv.append("--no-index")
        started = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ))
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode:
            print(f"scale run {size} failed:\n{proc.stderr[-3000:]}")
            if not lines:
                sys.exit(2)
        r = json.loads(lines[-1])
        r["wall_s"] = time.perf_counter() - started
        results.append(r)
        total = r["sketch_s"] + r["pair_s"]
        print(f"scale {size:>9,} articles ({r['mb']:.0f} MB, residue filter {'on' if args.residue else 'off'}): "
              f"sketch {r['sketch_s']:.1f} s ({r['mb'] / r['sketch_s']:.1f} MB/s; GC {r['sketch_gc_s']:.1f} s), pair {r['pair_s']:.1f} s, "
              f"total {total:.1f} s (CPU); memory after sketching {r['rss_after_sketch_mb']:.0f} MB, "
              f"peak {r['peak_rss_mb']:.0f} MB; findings {r['findings']}")
        if len(r["sketch_blocks_s"]) > 1:
            print(f"  sketching CPU seconds per {BLOCK:,} articles, in order: {r['sketch_blocks_s']}")
        if "index_build_s" in r:
            print(f"  index: built in {r['index_build_s']:.1f} s, {r['index_mb']:.0f} MB in {r['index_shards']} shards; "
                  f"one article checked (open+verify+query): median {r['query_ms_median']:.1f} ms, "
                  f"p95 {r['query_ms_p95']:.1f} ms, max {r['query_ms_max']:.1f} ms over {r['queries']} "
                  f"({r['query_matches']})")
        if not args.index_dir:
            shutil.rmtree(tmp, ignore_errors=True)
    return results


def report_ratio(results: list[dict]) -> None:
    if len(results) >= 2:
        small, large = results[0], results[-1]
        ratio = _ratio(results)
        print(f"time({large['size']:,}) / time({small['size']:,}) = {ratio:.2f} "
              f"(size ratio {large['size'] / small['size']:.0f}; bar: <= 12 for 1M vs 100k); "
              f"text ratio {large['mb'] / small['mb']:.2f}, sketch {large['sketch_s'] / small['sketch_s']:.2f}x, "
              f"pair {large['pair_s'] / small['pair_s']:.2f}x")


if __name__ == "__main__":
    main()
