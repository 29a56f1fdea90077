"""The Dask executor on a real LocalCluster reports exactly what a local run reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newslint.testing import run_cli

pytest.importorskip("dask.distributed", reason="the dask extra is part of the test dependencies")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_dask_local_cluster_equals_local_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    records = [json.dumps({"id": f"r{i}", "text": seeds[i % 3]}) for i in range(300)]
    records[11] = '{"id": "broken"'
    (tmp_path / "corpus.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    for i, text in enumerate(seeds):
        (tmp_path / f"{i}.md").write_text(text.replace("attack.", "attack.The"), encoding="utf-8")
    base = ["check", "--isolated", "--no-cache", "--format", "json", "--select", "ALL", "."]
    local = run_cli([*base, "--jobs", "1"])
    dask = run_cli([*base, "--executor", "dask", "--jobs", "2", "--verbose"])
    assert "executor dask (2 workers)" in dask.stderr
    assert json.loads(local.stdout), "the corpus must produce findings for the comparison to mean anything"
    assert dask.stdout == local.stdout
    assert dask.exit_code == local.exit_code


def test_unknown_executor_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text((SEEDS / "000_568fc9d2fd088067.txt").read_text(encoding="utf-8"), encoding="utf-8")
    unknown = run_cli(["check", "--isolated", "--executor", "spark", "a.txt"])
    assert unknown.exit_code == 2 and "unknown executor 'spark'; choose from dask, local" in unknown.stderr
