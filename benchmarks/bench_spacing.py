"""Speed, load time and flag rates of the missing-space rules (NL201-NL205).

    python benchmarks/bench_spacing.py                # everything
    python benchmarks/bench_spacing.py --speed        # tokens/s over the corpus, one core
    python benchmarks/bench_spacing.py --load         # word-list load time, fresh interpreters
    python benchmarks/bench_spacing.py --startup      # one-article CLI runs, NL2 on vs off
    python benchmarks/bench_spacing.py --rates        # findings per code and tier over the corpus

Speed: the five rules (one shared analysis) over every text of ``--corpus``
(default ../shared/eval-dev/perf/corpus.jsonl, 23,048 articles), in this
process, on one core; reading and JSON parsing are not timed. Tokens are
whitespace-separated words. CPU time is printed next to wall time, because on a
shared machine the wall clock also counts time other processes held the core.
The word list is loaded before timing starts (its cost is reported by --load).
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newslint import Article
from newslint_plugins import _spacing_detect as detect
from newslint_plugins import _spacing_lexicon as lexicon
from newslint_plugins import spacing

ROOT = Path(__file__).resolve().parents[1]
PERF = ROOT.parent / "shared" / "eval-dev" / "perf"
SEED = ROOT / "seeds" / "000_568fc9d2fd088067.txt"


def load_texts(corpus: Path) -> list[str]:
    return [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]


def speed(texts: list[str], repeat: int) -> None:
    tokens = sum(len(t.split()) for t in texts)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    lexicon.load()
    detect.patterns()
    best_wall = best_cpu = float("inf")
    findings = 0
    for _ in range(repeat):
        rules = spacing.make_rules()
        detect._SPLIT_CACHE.clear()  # every repeat starts without the cached word splits
        wall, cpu = time.perf_counter(), time.process_time()
        findings = 0
        for i, text in enumerate(texts):
            article = Article("corpus.jsonl", text, record=i + 1)
            for rule in rules:
                findings += sum(1 for _ in rule.check_article(article))
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(f"speed over {len(texts):,} articles, {tokens:,} tokens, {megabytes:.1f} MB (best of {repeat}):")
    print(f"  wall {best_wall:.2f} s = {tokens / best_wall:,.0f} tokens/s   "
          f"cpu {best_cpu:.2f} s = {tokens / best_cpu:,.0f} tokens/s   ({findings} findings)")


def load_time(runs: int) -> None:
    """Wall and CPU time of the first load in a fresh interpreter (CPU time is what a busy machine cannot inflate)."""
    code = ("import time; w, c = time.perf_counter(), time.process_time(); "
            "from newslint_plugins import _spacing_lexicon as L; L.load(); "
            "w1, c1 = time.perf_counter(), time.process_time(); "
            "from newslint_plugins import _spacing_detect as D; D.patterns(); "
            "print(w1 - w, c1 - c, time.perf_counter() - w1, time.process_time() - c1)")
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        rows.append([float(x) * 1000 for x in out.split()])
    load_wall, load_cpu, pat_wall, pat_cpu = zip(*rows)
    size = lexicon.DATA.stat().st_size
    words = len(lexicon.load().attested)
    print(f"word list ({lexicon.DATA.name}, {size / 1e6:.1f} MB, {words:,} words of 5+ letters), "
          f"fresh interpreter, {runs} runs:")
    print(f"  load: cpu min {min(load_cpu):.1f} ms (median {statistics.median(load_cpu):.1f}), "
          f"wall min {min(load_wall):.1f} ms (median {statistics.median(load_wall):.1f})")
    print(f"  detector import + compiled patterns: cpu min {min(pat_cpu):.1f} ms, wall min {min(pat_wall):.1f} ms")


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def startup(runs: int) -> None:
    """A one-article ``newslint check`` with NL2 selected vs with only a core rule selected."""
    exe = Path(sys.executable).with_name("newslint")
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "article.txt"
        article.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
        wall: dict[str, list[float]] = {"on": [], "off": []}
        cpu: dict[str, list[float]] = {"on": [], "off": []}
        for _ in range(runs):
            for label, select in (("on", "NL2"), ("off", "NL001")):
                start, before = time.perf_counter(), _child_cpu()
                subprocess.run([str(exe), "check", "--isolated", "--no-cache", "--exit-zero", "--select", select,
                                str(article)], capture_output=True, check=True)
                wall[label].append((time.perf_counter() - start) * 1000)
                cpu[label].append((_child_cpu() - before) * 1000)
    print(f"one-article run ({SEED.name}), {runs} runs each, NL2 selected vs only NL001:")
    for name, d in (("cpu ", cpu), ("wall", wall)):
        on, off = min(d["on"]), min(d["off"])
        print(f"  {name}: NL2 on {on:.0f} ms, off {off:.0f} ms, the rules add {on - off:.0f} ms (min); "
              f"medians {statistics.median(d['on']):.0f} / {statistics.median(d['off']):.0f} ms")


def rates(texts: list[str]) -> None:
    settings = detect.make_settings()
    counts: collections.Counter = collections.Counter()
    articles = 0
    for text in texts:
        glue = detect.analyze(text, settings)
        articles += bool(glue)
        counts.update((g.kind, {2: "high", 1: "medium"}[g.tier]) for g in glue)
    tokens = sum(len(t.split()) for t in texts)
    print(f"findings over {len(texts):,} articles ({tokens:,} tokens), {articles:,} articles with any:")
    for (kind, tier), n in sorted(counts.items()):
        print(f"  {kind:9} {tier:6} {n:6,}  ({n / tokens * 1e6:.1f} per million tokens)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=PERF / "corpus.jsonl")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--load", action="store_true")
    ap.add_argument("--startup", action="store_true")
    ap.add_argument("--rates", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    everything = not (args.speed or args.load or args.startup or args.rates)
    if everything or args.load:
        load_time(7)
    if everything or args.startup:
        startup(7)
    if everything or args.speed or args.rates:
        if not args.corpus.exists():
            print(f"{args.corpus} not found: skipping the corpus figures")
            return
        texts = load_texts(args.corpus)
        if everything or args.speed:
            speed(texts, args.repeat)
        if everything or args.rates:
            rates(texts)


if __name__ == "__main__":
    main()
