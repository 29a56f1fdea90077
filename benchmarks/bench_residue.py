"""Throughput of the residue family (NL101-NL107) on one core.

Runs every residue rule the way the engine does (one ``check_article`` call
per rule per article, suppressions ignored) over the first N articles of the
perf corpus, and prints MB/s of article text, plus the cost of the catalogue
load and of ``is_residue_line`` alone.

    .venv/bin/python benchmarks/bench_residue.py [--articles 20000] [--corpus PATH]

``--line-test`` instead checks ``residue_line_flags`` against ``is_residue_line``,
line by line, over the whole perf corpus and every text of the labelled residue
set (they must never disagree), and prints the CPU time of each: ``is_residue_line``
called on every non-blank line (what the duplicates sketcher did), and
``residue_line_flags`` called once per article on all its lines.

    .venv/bin/python benchmarks/bench_residue.py --line-test [--repeat 3] [--corpus PATH] [--residue-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

CORPUS = Path("/work/shared/eval-dev/perf/corpus.jsonl")
RESIDUE_DIR = Path("/work/shared/eval-dev/residue")


def load(path: Path, limit: int) -> list[tuple[str, str]]:
    texts = []
    with open(path, encoding="utf-8") as stream:
        for raw in stream:
            record = json.loads(raw)
            texts.append((record.get("id", str(len(texts))), record["text"]))
            if len(texts) >= limit:
                break
    return texts


def cpu(function, repeat: int) -> tuple[float, float]:
    """CPU seconds of ``function()``: the first run, and the best of ``repeat``."""
    runs = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        runs.append(time.process_time() - start)
    return runs[0], min(runs)


def line_test(args) -> int:
    from newslint_plugins import residue

    sources = []
    if args.corpus.exists():
        with open(args.corpus, encoding="utf-8") as stream:
            sources.append((str(args.corpus), [json.loads(raw)["text"].split("\n") for raw in stream]))
    else:
        print(f"{args.corpus} not found: skipped")
    texts = sorted(args.residue_dir.rglob("*.txt")) if args.residue_dir.is_dir() else []
    if texts:
        sources.append((f"{args.residue_dir} ({len(texts)} texts)",
                        [path.read_text(encoding="utf-8").split("\n") for path in texts]))
    else:
        print(f"{args.residue_dir}: no texts found: skipped")
    catalogue = residue._builtin_catalogue()
    failed = 0
    for name, articles in sources:
        lines = sum(map(len, articles))
        nonblank = [[line for line in article if line.strip()] for article in articles]

        def fresh() -> None:  # the matcher's caches empty, as in a new process
            catalogue._by_key.clear()
            catalogue._gate = None

        def per_line() -> None:
            for article in nonblank:
                for line in article:
                    residue.is_residue_line(line)

        def per_article() -> None:
            for article in articles:
                residue.residue_line_flags(article)

        fresh()
        flags_first, _ = cpu(per_article, 1)
        fresh()
        line_first, _ = cpu(per_line, 1)
        _, line_best = cpu(per_line, args.repeat)
        _, flags_best = cpu(per_article, args.repeat)
        disagreements = found = 0
        for article in articles:
            for line, flag in zip(article, residue.residue_line_flags(article)):
                expected = residue.is_residue_line(line)
                found += expected
                if flag != expected:
                    disagreements += 1
                    if disagreements <= 10:
                        print(f"  DISAGREE: residue_line_flags says {flag}, is_residue_line {expected}: {line[:120]!r}")
        failed += disagreements
        print(f"{name}: {len(articles)} articles, {lines} lines checked ({sum(map(len, nonblank))} non-blank, "
              f"{found} residue), {disagreements} disagreements")
        print(f"  is_residue_line per non-blank line: {line_best:.3f} s CPU (best of {args.repeat}; first run, "
              f"caches empty: {line_first:.3f} s)")
        print(f"  residue_line_flags per article:     {flags_best:.3f} s CPU (best of {args.repeat}; first run, "
              f"caches empty: {flags_first:.3f} s), {line_best / flags_best:.2f}x")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--line-test", action="store_true",
                        help="compare residue_line_flags with is_residue_line (answers and CPU time)")
    parser.add_argument("--residue-dir", type=Path, default=RESIDUE_DIR,
                        help="with --line-test: a folder of texts (searched recursively for *.txt)")
    args = parser.parse_args()
    if args.line_test:
        raise SystemExit(line_test(args))
    if not args.corpus.exists():
        raise SystemExit(f"{args.corpus} not found: pass --corpus PATH (a JSONL file with a text field)")

    t0 = time.perf_counter()
    from newslint import Article
    from newslint_plugins import residue
    t1 = time.perf_counter()
    settings = residue.Settings()
    rules = [cls(settings) for cls in residue.RULES]
    catalogue = residue.catalogue_for(settings)
    t2 = time.perf_counter()
    print(f"import {1000 * (t1 - t0):.0f} ms; catalogue load and compile {1000 * (t2 - t1):.0f} ms "
          f"({len(catalogue.entries)} entries, {len(catalogue.phrases)} phrases)")

    texts = load(args.corpus, args.articles)
    size = sum(len(text.encode("utf-8")) for _, text in texts)
    runs = []
    for run in range(args.repeat):
        lines = findings = 0
        start, cpu = time.perf_counter(), time.process_time()
        for name, text in texts:
            article = Article(name, text)
            lines += len(article.lines)
            for rule in rules:
                try:
                    findings += len(rule.check_article(article))
                except Exception as error:  # noqa: BLE001 - a benchmark reports, it does not stop
                    print(f"{name}: {rule.code} raised {error!r}")
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        runs.append(cpu)
        # CPU time is the honest figure on a shared machine; wall time is printed too. The first
        # run includes building the matcher's per-key caches, as a real run would.
        print(f"run {run + 1}: {len(texts)} articles, {lines} lines, {size / 1e6:.1f} MB in {cpu:.2f} s CPU "
              f"({elapsed:.2f} s wall) = {size / 1e6 / cpu:.1f} MB/s per core, {findings} findings")
    print(f"residue family (7 rules): first run {size / 1e6 / runs[0]:.1f} MB/s, best of {len(runs)} "
          f"{size / 1e6 / min(runs):.1f} MB/s per core")

    sample = [line for _, text in texts[:5000] for line in text.split("\n")]
    start = time.perf_counter()
    hits = sum(residue.is_residue_line(line) for line in sample)
    elapsed = time.perf_counter() - start
    print(f"is_residue_line: {len(sample)} lines in {elapsed:.2f} s = {len(sample) / elapsed / 1000:.0f} k lines/s "
          f"({hits} residue)")


if __name__ == "__main__":
    main()
