"""Wall time and throughput of whole newslint runs, as a user would start them.

    python benchmarks/bench_core.py [--perf ../shared/eval-dev/perf] [--quick]

Prints:
  - a one-article run (the pre-commit case), interpreter start included, best of 5;
  - a 2,000-file run (perf/txt), cold with --jobs 1 and --jobs 2, then warm: replayed, and
    with the results cache alone (--verbose runs are never replayed);
  - the 23,000-article JSONL corpus with every default rule, --jobs 1 and --jobs 2:
    articles/s, MB/s, MB per CPU-second, peak memory of the largest process;
  - proselint (if installed: pip install proselint) on a sample of the same corpus.
Figures, never assertions: the test suite has no timed checks.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWSLINT = [sys.executable, "-m", "newslint"]


def timed(argv: list[str], cwd: Path | None = None) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds of the children, peak RSS MB of the largest child, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode()[-2000:])
    return wall, cpu, after.ru_maxrss / 1024, proc.returncode


def one_article(seed: Path) -> None:
    walls = [timed([*NEWSLINT, "check", "--isolated", "--no-cache", str(seed)])[0] for _ in range(5)]
    bare = min(timed([sys.executable, "-c", "pass"])[0] for _ in range(5))
    print(f"one article ({seed.name}), all default rules: best {min(walls):.3f} s wall "
          f"(median {sorted(walls)[2]:.3f} s; bare interpreter start {bare:.3f} s)")


def two_thousand(txt: Path) -> None:
    files = sorted(txt.glob("*.txt"))
    size = sum(f.stat().st_size for f in files) / 1e6
    for jobs in (1, 2):
        wall, cpu, rss, _ = timed([*NEWSLINT, "check", "--isolated", "--no-cache", "--jobs", str(jobs),
                                   "--format", "json", str(txt)])
        print(f"{len(files)} files ({size:.1f} MB), cold, --jobs {jobs}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    cache = Path(tempfile.mkdtemp(prefix="newslint-bench-cache-"))
    try:
        argv = [*NEWSLINT, "check", "--isolated", "--cache-dir", str(cache), "--format", "json", str(txt)]
        cold, _, _, _ = timed(argv)
        warm = min(timed(argv)[0] for _ in range(3))
        # --verbose runs are never replayed: this is the results cache alone (plugins loaded,
        # cached results read, the corpus paired again, the report formatted).
        per_file = min(timed([*argv, "--verbose"])[0] for _ in range(3))
        print(f"{len(files)} files, default --jobs, cache: cold {cold:.2f} s, warm {warm:.2f} s "
              f"({cold / warm:.1f}x faster; the run replayed); results cache alone {per_file:.2f} s "
              f"({cold / per_file:.1f}x)")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def corpus(path: Path) -> None:
    size = path.stat().st_size / 1e6
    with open(path, encoding="utf-8") as stream:
        count = sum(1 for _ in stream)
    walls = {}
    for jobs in (1, 2):
        wall, cpu, rss, _ = timed([*NEWSLINT, "check", "--isolated", "--no-cache", "--jobs", str(jobs),
                                   "--format", "jsonl", str(path)])
        walls[jobs] = wall
        print(f"corpus {path.name} ({count} articles, {size:.1f} MB), --jobs {jobs}: {wall:.1f} s wall, "
              f"{count / wall:.0f} articles/s, {size / wall:.2f} MB/s, {size / cpu:.2f} MB per CPU-second, "
              f"peak RSS of the largest process {rss:.0f} MB")
    print(f"--jobs 2 speed-up over --jobs 1: {walls[1] / walls[2]:.2f}x")


def proselint(path: Path, sample: int) -> None:
    exe = shutil.which("proselint") or (Path(sys.executable).parent / "proselint")
    if not Path(exe).exists():
        print("proselint: not installed (pip install proselint) - skipped")
        return
    folder = Path(tempfile.mkdtemp(prefix="newslint-bench-proselint-"))
    try:
        texts = []
        with open(path, encoding="utf-8") as stream:
            for line in stream:
                texts.append(json.loads(line)["text"])
                if len(texts) >= sample:
                    break
        files = []
        for i, text in enumerate(texts):
            target = folder / f"{i:05d}.txt"
            target.write_text(text, encoding="utf-8")
            files.append(str(target))
        size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        start = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        # proselint 0.16 takes `check PATHS`; older releases take the paths alone.
        command = [str(exe), "check"] if "check" in subprocess.run([str(exe), "--help"], capture_output=True,
                                                                    text=True).stdout else [str(exe)]
        for i in range(0, len(files), 200):
            proc = subprocess.run([*command, *files[i:i + 200]], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if proc.returncode not in (0, 1):
                print(f"proselint failed (exit {proc.returncode}): {proc.stderr.decode()[-300:]}")
                return
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"proselint on the first {len(texts)} articles ({size:.1f} MB): {wall:.1f} s wall, "
              f"{len(texts) / wall:.0f} articles/s, {size / cpu:.3f} MB per CPU-second")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--perf", type=Path, default=ROOT.parent / "shared" / "eval-dev" / "perf")
    parser.add_argument("--proselint-sample", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="only the one-article and 2,000-file runs")
    args = parser.parse_args()
    os.environ.setdefault("NO_COLOR", "1")
    # Users' interpreters cache bytecode; without it every run recompiles newslint and its plugins.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([*NEWSLINT, "check", "--isolated", "--no-cache", str(ROOT / "seeds")], stdout=subprocess.DEVNULL)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    one_article(ROOT / "seeds" / "000_568fc9d2fd088067.txt")
    if (args.perf / "txt").is_dir():
        two_thousand(args.perf / "txt")
    if not args.quick and (args.perf / "corpus.jsonl").is_file():
        corpus(args.perf / "corpus.jsonl")
        proselint(args.perf / "corpus.jsonl", args.proselint_sample)


if __name__ == "__main__":
    main()
