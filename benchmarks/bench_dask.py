"""Dask executor against a local run on the real perf corpus: same findings, and the wall times.

    python benchmarks/bench_dask.py [--corpus ../shared/eval-dev/perf/corpus.jsonl] [--workers 2]

Runs `newslint check --format jsonl` with every default rule locally (--jobs 1) and with
`--executor dask` on a LocalCluster, and compares the two outputs line for line.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(argv: list[str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "newslint", *argv], capture_output=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"newslint {' '.join(argv)} failed:\n{proc.stderr.decode()[-2000:]}")
    return time.perf_counter() - start, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "eval-dev" / "perf" / "corpus.jsonl")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    base = ["check", "--isolated", "--no-cache", "--format", "jsonl", str(args.corpus)]
    local_time, local = run([*base, "--jobs", "1"])
    dask_time, dask = run([*base, "--executor", "dask", "--jobs", str(args.workers)])
    same = local == dask
    print(f"local --jobs 1: {local_time:.1f} s; dask LocalCluster ({args.workers} workers): {dask_time:.1f} s")
    newline = b"\n"
    print(f"findings: {local.count(newline)} local, {dask.count(newline)} dask; outputs identical: {same} "
          f"(sha256 {hashlib.sha256(local).hexdigest()[:12]} / {hashlib.sha256(dask).hexdigest()[:12]})")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
