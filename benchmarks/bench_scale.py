"""A whole `newslint check` over a large JSONL corpus: throughput and peak memory of the process tree.

    python benchmarks/bench_scale.py --articles 1000000 [--jobs 2] [--keep corpus.jsonl]

The corpus is built from the 23,048 real articles of ../shared/eval-dev/perf/corpus.jsonl
with bench_duplicates.Variants (copy j of an article maps every word through its own
permutation of the vocabulary; every 50th article is an exact, near or rewritten copy of
a neighbour), so the duplicate rules do real pairing work. The run uses every default
rule and streams `--format jsonl` to /dev/null. Memory is the sum of the resident sizes
of newslint and its worker processes, sampled every 0.2 s; the peak is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_duplicates import CORPUS, Variants, load_texts  # noqa: E402


def write_corpus(path: Path, count: int) -> int:
    variants = Variants(load_texts())
    size = 0
    with open(path, "w", encoding="utf-8") as out:
        for k in range(count):
            line = json.dumps({"id": f"a{k}", "text": variants(k)}, ensure_ascii=False) + "\n"
            size += len(line)
            out.write(line)
    return size


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants."""
    total = 0
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stream:
                parent = int(stream.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as stream:
                total += int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
        todo.extend(children.get(current, ()))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it (reused if it exists)")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} not found")
    folder = Path(tempfile.mkdtemp(prefix="newslint-scale-"))
    corpus = args.keep or folder / "corpus.jsonl"
    started = time.perf_counter()
    if not corpus.exists():
        write_corpus(corpus, args.articles)
    megabytes = corpus.stat().st_size / 1e6
    print(f"corpus: {args.articles:,} articles, {megabytes:,.0f} MB ({time.perf_counter() - started:.0f} s to build)")
    argv = [sys.executable, "-m", "newslint", "check", "--isolated", "--no-cache", "--exit-zero",
            "--jobs", str(args.jobs), "--format", "jsonl", str(corpus)]
    started = time.perf_counter()
    cpu_before = os.times()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    findings = 0
    import threading

    def count_lines() -> None:
        nonlocal findings
        for _ in proc.stdout:
            findings += 1

    reader = threading.Thread(target=count_lines)
    reader.start()
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.2)
    reader.join()
    wall = time.perf_counter() - started
    cpu_after = os.times()
    cpu = (cpu_after.children_user - cpu_before.children_user) + (cpu_after.children_system - cpu_before.children_system)
    print(f"newslint check --jobs {args.jobs}, all default rules: exit {proc.returncode}, {findings:,} findings, "
          f"{wall:.0f} s wall, {args.articles / wall:,.0f} articles/s, {megabytes / cpu:.2f} MB per CPU-second, "
          f"peak memory of the process tree {peak / 2**30:.2f} GiB")
    if proc.returncode not in (0, 1):
        print(proc.stderr.read().decode()[-2000:])
    if not args.keep:
        corpus.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
