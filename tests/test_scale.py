"""Parallel runs report exactly what serial runs report; the cache skips rule work on unchanged files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import TestPlugin
from newslint import Rule, hookimpl
from newslint.testing import run_cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def mixed_corpus(tmp_path, monkeypatch):
    """About 2 MB of real seed text as .txt, .md and .jsonl, with duplicates, damage and bad records."""
    monkeypatch.chdir(tmp_path)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(120):
        text = seeds[i % 3].replace(". ", ".  ", i % 4)  # some double spaces for TST001
        if i % 5 == 0:
            text = text.upper()[:2000]  # shouted text for TST002
        (corpus / f"{i:03d}.{'md' if i % 2 else 'txt'}").write_text(text, encoding="utf-8")
    records = [json.dumps({"id": f"r{i}", "text": seeds[i % 3].replace(" said", "  said", 1)}) for i in range(150)]
    records[7] = "{not json"
    (corpus / "wire.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    (corpus / "broken.txt").write_bytes(b"bad \xff byte")
    return corpus


def check(*argv, plugins=None):
    result = run_cli(["check", "--isolated", "--no-cache", "--format", "json", "--select", "TST", *argv],
                     plugins or [TestPlugin()])
    return result


def test_jobs_two_reports_exactly_what_jobs_one_reports(mixed_corpus):
    serial = check("--jobs", "1", "--verbose", "corpus")
    parallel = check("--jobs", "2", "--verbose", "corpus")
    assert "executor serial" in serial.stderr and "executor processes (2 workers)" in parallel.stderr
    findings = json.loads(serial.stdout)
    assert len(findings) > 300
    assert {f["code"] for f in findings} == {"TST001", "TST002", "TST004", "NL001", "NL002"}
    assert parallel.stdout == serial.stdout
    assert parallel.exit_code == serial.exit_code


class CountingRule(Rule):
    """## What it does
    Counts how often it runs.

    ## Why is this bad?
    Test rule.

    ## Example
    Any text.

    ## Fix safety
    No fix.
    """

    code = "TST020"
    name = "counting"
    summary = "Counts"
    calls = 0

    def check_article(self, article):
        CountingRule.calls += 1
        if "Kudlow" in article.text:
            yield self.finding(article, 0, 5, "mentions Kudlow")


class CountingPlugin:
    @hookimpl
    def newslint_register_rules(self, register, config):
        register(CountingRule())


def test_cache_reuses_results_of_unchanged_files(mixed_corpus, tmp_path):
    argv = ["check", "--isolated", "--jobs", "1", "--format", "json", "--select", "TST004,TST020",
            "--cache-dir", str(tmp_path / "cache"), "corpus"]
    CountingRule.calls = 0
    cold = run_cli(argv, [TestPlugin(), CountingPlugin()])
    cold_calls = CountingRule.calls
    assert cold_calls == 120 + 149
    CountingRule.calls = 0
    warm = run_cli(argv, [TestPlugin(), CountingPlugin()])
    assert CountingRule.calls == 0
    assert warm.stdout == cold.stdout
    (mixed_corpus / "005.md").write_text("Haley shot back at Kudlow on Tuesday.\n", encoding="utf-8")
    CountingRule.calls = 0
    changed = run_cli(argv, [TestPlugin(), CountingPlugin()])
    assert CountingRule.calls == 1
    assert changed.stdout != cold.stdout
    assert (tmp_path / "cache" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_cache_is_keyed_by_settings(mixed_corpus, tmp_path):
    base = ["check", "--isolated", "--jobs", "1", "--format", "json", "--cache-dir", str(tmp_path / "cache"), "corpus"]
    run_cli([*base, "--select", "TST020"], [CountingPlugin()])
    CountingRule.calls = 0
    run_cli([*base, "--select", "TST020", "--extend-select", "NL003"], [CountingPlugin()])
    assert CountingRule.calls > 0


def test_damaged_cache_is_ignored(mixed_corpus, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "results.sqlite3").write_bytes(b"this is not a database")
    result = run_cli(["check", "--isolated", "--jobs", "1", "--select", "TST020", "--cache-dir", str(cache),
                      "corpus"], [CountingPlugin()])
    assert result.exit_code == 1 and "Traceback" not in result.stderr


def shard_first_words(shard):
    """Module level, so worker processes can run it: the first words of a shard, with the worker's pid."""
    import os
    return os.getpid(), sorted(words[0] for words in shard if words)


class ShardedRule(Rule):
    """## What it does
    A corpus rule whose finalize spreads shards over corpus_map.

    ## Why is this bad?
    Test rule.

    ## Example
    Any corpus.

    ## Fix safety
    No fix.
    """

    code = "TST030"
    name = "sharded"
    summary = "Sharded"
    pids: set = set()

    def collect(self, article):
        return article.text.split()[:3]

    def finalize(self, collected):
        from newslint import corpus_map

        shards = [[words for _, words in collected[i::4]] for i in range(4)]
        results = list(corpus_map(shard_first_words, shards))
        ShardedRule.pids = {pid for pid, _ in results}
        ref = collected[0][0]
        firsts = sorted(w for _, words in results for w in words)
        yield self.finding_at(ref, 1, f"{len(firsts)} first words, {len(set(firsts))} distinct")


class ShardedPlugin:
    @hookimpl
    def newslint_register_rules(self, register, config):
        register(ShardedRule())


def test_corpus_map_runs_finalize_shards_on_the_workers(mixed_corpus):
    import os
    argv = ["check", "--isolated", "--no-cache", "--format", "json", "--select", "TST030", "corpus"]
    serial = run_cli([*argv, "--jobs", "1"], [ShardedPlugin()])
    assert ShardedRule.pids == {os.getpid()}
    parallel = run_cli([*argv, "--jobs", "2"], [ShardedPlugin()])
    assert os.getpid() not in ShardedRule.pids
    assert parallel.stdout == serial.stdout and "269 first words" in serial.stdout


class KilledWorkerRule(Rule):
    """## What it does
    Flags the shouted articles; a worker process that meets the first one is killed, as the
    out-of-memory killer would.

    ## Why is this bad?
    Test rule.

    ## Example
    Any text.

    ## Fix safety
    No fix.
    """

    code = "TST040"
    name = "killed-worker"
    summary = "Kills a worker"
    parent = 0

    def check_article(self, article):
        import os
        import signal

        if article.path.endswith("000.txt") and os.getpid() != KilledWorkerRule.parent:
            os.kill(os.getpid(), signal.SIGKILL)
        if article.text.isupper():
            yield self.finding(article, 0, 1, "shouted")


class KilledWorkerPlugin:
    @hookimpl
    def newslint_register_rules(self, register, config):
        register(KilledWorkerRule())


def test_a_killed_worker_costs_nothing_but_time(mixed_corpus):
    """The pool breaks when a worker dies; what is left is checked in this process."""
    import os
    KilledWorkerRule.parent = os.getpid()
    argv = ["check", "--isolated", "--no-cache", "--format", "json", "--select", "TST040", "corpus"]
    serial = run_cli([*argv, "--jobs", "1"], [KilledWorkerPlugin()])
    parallel = run_cli([*argv, "--jobs", "2", "--verbose"], [KilledWorkerPlugin()])
    assert "executor processes (2 workers)" in parallel.stderr and "Traceback" not in parallel.stderr
    assert parallel.stdout == serial.stdout and len(json.loads(serial.stdout)) == 26
    assert parallel.exit_code == serial.exit_code


def test_corpus_values_on_disk_give_the_same_findings(mixed_corpus, monkeypatch):
    from newslint import _collected

    argv = ["check", "--isolated", "--no-cache", "--jobs", "1", "--format", "json", "--select", "TST004,TST030",
            "corpus"]
    in_memory = run_cli(argv, [TestPlugin(), ShardedPlugin()])
    monkeypatch.setattr(_collected, "SPILL_BYTES", 0)
    on_disk = run_cli(argv, [TestPlugin(), ShardedPlugin()])
    assert on_disk.stdout == in_memory.stdout and "TST004" in on_disk.stdout


def test_collected_sequence_reads_from_disk():
    from newslint import ArticleRef
    from newslint._collected import CorpusStore

    store = CorpusStore(on_disk=True)
    shared = {"big": list(range(100))}
    for i in range(5):
        store.add(ArticleRef("a.jsonl", i + 1), {"TST1": shared, "TST2": i} if i % 2 else {"TST2": i})
    one, two = store.values_of("TST1"), store.values_of("TST2")
    assert len(one) == 2 and len(two) == 5 and len(store.memory) == 0
    assert [ref.record for ref, _ in one] == [2, 4] and one[1][1] == shared
    assert list(v for _, v in two) == [0, 1, 2, 3, 4] and two[-1][0].record == 5 and two[1:3][0][1] == 1
    store.close()


def test_bounded_yields_every_item_in_order_when_futures_finish_at_once():
    from concurrent.futures import Future

    from newslint import Executor

    def finished(item):
        future = Future()
        future.set_result(item * 10)
        return future

    pairs = list(Executor.bounded(finished, range(5), limit=2))
    assert [(item, future.result()) for item, future in pairs] == [(i, i * 10) for i in range(5)]
