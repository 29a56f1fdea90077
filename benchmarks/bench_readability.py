"""Flag rates and speed of the NL5xx rules.

    python benchmarks/bench_readability.py                 # both parts
    python benchmarks/bench_readability.py --rates --show  # flag rates, listing what was flagged
    python benchmarks/bench_readability.py --speed
    python benchmarks/bench_readability.py --startup          # one-article runs, NL5 not selected

Flag rates: every NL5 rule (NL504 included) over the article files of
``--txt`` (default ../shared/eval-dev/perf/txt). Speed: the default-enabled NL5
rules over the texts of ``--corpus`` (default ../shared/eval-dev/perf/corpus.jsonl),
in this process, on one core; reading and JSON parsing are not timed, the
rules and the engine's per-article work (lines, suppressions, sorting) are.
Startup: a one-article ``newslint check`` that does not select NL5, in fresh
interpreters, with the readability plugin loaded and with it blocked.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
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
    """MB/s on one core. CPU time is reported next to wall time: on a shared machine
    the wall clock also counts the time other processes held the core."""
    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    for label, default_only in (("default-enabled NL5 (NL501-503, NL505)", True), ("all NL5 incl. NL504", False)):
        checker = Checker(RuleSet(rules({}, default_only)))
        best_wall = best_cpu = float("inf")
        findings = 0
        for _ in range(repeat if default_only else 1):
            wall, cpu = time.perf_counter(), time.process_time()
            findings = 0
            for i, text in enumerate(texts):  # articles streamed, as the engine does
                findings += len(checker.check(Article("corpus.jsonl", text, record=i + 1)))
            best_wall = min(best_wall, time.perf_counter() - wall)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        print(f"{label}: {len(texts)} articles, {megabytes:.1f} MB: CPU {best_cpu:.2f} s = "
              f"{megabytes / best_cpu:.1f} MB/s (wall {best_wall:.2f} s = {megabytes / best_wall:.1f} MB/s), "
              f"{findings} findings")


STARTUP = """
import sys, time
start = time.perf_counter()
from newslint import _pluginmanager
if sys.argv[1] == "blocked":
    load = _pluginmanager.PluginSet.load_entry_points
    _pluginmanager.PluginSet.load_entry_points = lambda self, blocked=(): load(self, {"readability"})
from newslint._cli import main
code = main(["check", "--isolated", "--no-cache", "--select", "NL1,NL2,NL3,NL4", "--quiet", sys.argv[2]])
print(time.perf_counter() - start, "readability" in sys.modules.get("newslint_plugins", sys).__dict__)
"""


IMPORT = """
import time, newslint
start = time.perf_counter()
import newslint_plugins.readability
print(time.perf_counter() - start)
"""


def startup(article: Path, runs: int) -> None:
    """Median wall time of one-article runs without NL5 selected: plugin loaded vs blocked."""
    times: dict[str, list[float]] = {"loaded": [], "blocked": []}
    # Let Python keep its bytecode cache, as an installed newslint does.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for _ in range(runs):
        for mode in times:  # alternate, so that machine load hits both alike
            done = subprocess.run([sys.executable, "-c", STARTUP, mode, str(article)],
                                  capture_output=True, text=True, check=False, env=env)
            seconds, loaded = done.stdout.split()[-2:]
            assert (loaded == "True") == (mode == "loaded"), done.stdout + done.stderr
            times[mode].append(float(seconds))
    for mode, values in times.items():
        print(f"one-article run, NL5 not selected, readability plugin {mode}: median "
              f"{statistics.median(values) * 1000:.1f} ms over {runs} runs (min {min(values) * 1000:.1f} ms)")
    # The plugin's own share, in fresh interpreters: its import (newslint itself already imported).
    imports = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", IMPORT], capture_output=True, text=True, check=True, env=env)
        imports.append(float(done.stdout))
    print(f"import of newslint_plugins.readability: median {statistics.median(imports) * 1e3:.2f} ms, "
          f"min {min(imports) * 1e3:.2f} ms")
    # ... and its hooks, in this process: options and rule instances.
    from newslint import OptionParser
    from newslint._config import Config
    plugin = readability
    imported = time.perf_counter()
    plugin.newslint_addoption(OptionParser())
    plugin.newslint_register_rules(lambda rule: None, Config({}, {}))
    print(f"plugin hooks (options and 5 rule instances): {(time.perf_counter() - imported) * 1e3:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--txt", type=Path, default=SHARED / "txt")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus.jsonl")
    parser.add_argument("--rates", action="store_true")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--startup", action="store_true")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--show", action="store_true", help="list every flagged article")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    both = not (args.rates or args.speed or args.startup)
    if (args.rates or both) and args.txt.is_dir():
        flag_rates(args.txt, args.show)
    if (args.speed or both) and args.corpus.is_file():
        speed(args.corpus, args.repeat)
    if args.startup or both:
        startup(ROOT / "seeds" / "000_568fc9d2fd088067.txt", args.runs)


if __name__ == "__main__":
    main()
