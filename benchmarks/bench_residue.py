"""Throughput of the residue family (NL101-NL107) on one core.

Runs every residue rule the way the engine does (one ``check_article`` call
per rule per article, suppressions ignored) over the first N articles of the
perf corpus, and prints MB/s of article text, plus the cost of the catalogue
load and of ``is_residue_line`` alone.

    .venv/bin/python benchmarks/bench_residue.py [--articles 20000] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

CORPUS = Path("/work/shared/eval-dev/perf/corpus.jsonl")


def load(path: Path, limit: int) -> list[tuple[str, str]]:
    texts = []
    with open(path, encoding="utf-8") as stream:
        for raw in stream:
            record = json.loads(raw)
            texts.append((record.get("id", str(len(texts))), record["text"]))
            if len(texts) >= limit:
                break
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
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
