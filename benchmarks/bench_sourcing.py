"""Speed and counts of the unnamed-sourcing rules (NL301-NL305).

    python benchmarks/bench_sourcing.py [--corpus ../shared/eval-dev/perf/corpus.jsonl] [--repeat 3]

Runs in this process, on one core, over the texts of ``--corpus`` (the seeds when
it does not exist). Reading and JSON parsing are not timed. Prints, best of
``--repeat`` runs, CPU seconds and tokens per second (tokens: whitespace-separated
words) for:
  - the analysis alone (cue scan, windows, classifier, pronouns);
  - the five rules as the engine calls them (a fresh Article, each rule's
    check_article, findings with positions, metrics), every rule selected;
then the finding counts per rule and the corpus's attribution metrics.
Figures, never assertions: the test suite has no timed checks.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from newslint import Article
from newslint_plugins import sourcing
from newslint_plugins._sourcing_analyse import Analyser
from newslint_plugins._sourcing_lexicon import load_lexicon

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "eval-dev" / "perf" / "corpus.jsonl"


def load(path: Path) -> list[str]:
    if path.exists():
        with open(path, encoding="utf-8") as stream:
            return [json.loads(line)["text"] for line in stream if line.strip()]
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def best_of(repeat: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        result = run()
        best = min(best, time.process_time() - start)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = ap.parse_args()

    texts = load(args.corpus)
    if args.limit:
        texts = texts[:args.limit]
    tokens = sum(len(t.split()) for t in texts)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {args.corpus if args.corpus.exists() else 'seeds'}: {len(texts):,} articles, "
          f"{tokens:,} tokens, {mb:.1f} MB")

    analyser = Analyser(load_lexicon())
    seconds, _ = best_of(args.repeat, lambda: [analyser.analyse(t) for t in texts])
    print(f"analysis only:   {seconds:6.2f} s CPU  {tokens / seconds:>11,.0f} tokens/s")

    registered = []
    sourcing.newslint_register_rules(registered.append, SimpleNamespace(table=lambda name: {}))

    def run_rules():
        # What the engine does for article rules: each rule's check_article on a fresh Article.
        counts, metrics = Counter(), Counter()
        for i, text in enumerate(texts):
            article = Article(f"a{i}.txt", text)
            for rule in registered:
                for finding in rule.check_article(article):
                    counts[finding.code] += 1
            for name, value in article.metrics.items():
                if name != "unnamed_share":
                    metrics[name] += value
        return counts, metrics

    seconds, (counts, metrics) = best_of(args.repeat, run_rules)
    print(f"NL301-NL305:     {seconds:6.2f} s CPU  {tokens / seconds:>11,.0f} tokens/s  "
          f"({len(texts) / seconds:,.0f} articles/s)")
    print("findings: " + ", ".join(f"{code} {counts[code]:,}" for code in sorted(counts)))
    total = metrics["attributions"] or 1
    print(f"attributions {metrics['attributions']:,}: named {metrics['named_attributions']:,}, "
          f"unnamed {metrics['unnamed_attributions']:,} ({metrics['unnamed_attributions'] / total:.1%}); "
          f"sentences with an unnamed source {metrics['unnamed_sentences']:,}")


if __name__ == "__main__":
    main()
