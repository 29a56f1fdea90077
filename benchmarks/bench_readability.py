"""Flag rates and speed of the NL5xx rules.

    python benchmarks/bench_readability.py                 # both parts
    python benchmarks/bench_readability.py --rates --show  # flag rates, listing what was flagged
    python benchmarks/bench_readability.py --speed

Flag rates: every NL5 rule (NL504 included) over the article files of
``--txt`` (default ../shared/eval-dev/perf/txt). Speed: the default-enabled NL5
rules over the texts of ``--corpus`` (default ../shared/eval-dev/perf/corpus.jsonl),
in this process, on one core; reading and JSON parsing are not timed, the
rules and the engine's per-article work (lines, suppressions, sorting) are.
"""

from __future__ import annotations

import argparse
import collections
import json
import time
from pathlib import Path

from newslint import Article
from newslint._engine import Checker, RuleSet
from newslint_plugins import readability

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval-dev" / "perf"


def rules(options: dict, default_only: bool):
    every = [cls(options) for cls in (readability.TruncatedArticle, readability.RunOnText,
                                       readability.ListNotProse, readability.ReadabilityOutlier,
                                       readability.Mojibake)]
    return [r for r in every if r.default_enabled or not default_only]


def flag_rates(folder: Path, show: bool) -> None:
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md"))
    checker = Checker(RuleSet(rules({}, default_only=False)))
    flagged: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for path in paths:
        article = Article(str(path), path.read_text(encoding="utf-8"))
        seen = set()
        for f in checker.check(article):
            if f.code not in seen:
                seen.add(f.code)
                flagged[f.code].append((path.name, f"{f.line}:{f.column} {f.message}"))
    print(f"flag rates over {len(paths)} articles in {folder}")
    for code in ("NL501", "NL502", "NL503", "NL504", "NL505"):
        hits = flagged.get(code, [])
        print(f"  {code}: {len(hits):4d} articles  {len(hits) / len(paths):6.2%}")
    if show:
        for code in sorted(flagged):
            print(f"\n== {code}")
            for name, message in flagged[code]:
                print(f"  {name}  {message[:150]}")


def speed(corpus: Path, repeat: int) -> None:
    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    for label, default_only in (("default-enabled NL5 (NL501-503, NL505)", True), ("all NL5 incl. NL504", False)):
        checker = Checker(RuleSet(rules({}, default_only)))
        best = float("inf")
        findings = 0
        for _ in range(repeat if default_only else 1):
            articles = [Article(f"corpus.jsonl:{i}", t, record=i + 1) for i, t in enumerate(texts)]
            start = time.perf_counter()
            findings = sum(len(checker.check(a)) for a in articles)
            best = min(best, time.perf_counter() - start)
        print(f"{label}: {len(texts)} articles, {megabytes:.1f} MB in {best:.2f} s = "
              f"{megabytes / best:.1f} MB/s, {findings} findings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--txt", type=Path, default=SHARED / "txt")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus.jsonl")
    parser.add_argument("--rates", action="store_true")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--show", action="store_true", help="list every flagged article")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    both = not (args.rates or args.speed)
    if (args.rates or both) and args.txt.is_dir():
        flag_rates(args.txt, args.show)
    if (args.speed or both) and args.corpus.is_file():
        speed(args.corpus, args.repeat)


if __name__ == "__main__":
    main()
