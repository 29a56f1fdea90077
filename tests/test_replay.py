"""Replaying an unchanged check run (newslint._replay) through the ``newslint`` entry point."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newslint import _cli, _entry, _replay

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
AN_HOUR_AGO = time.time() - 3600


def backdate(*paths: Path) -> None:
    """Files written by a test are too fresh to record (see RACY_NS): make them an hour old."""
    for path in paths:
        for p in [path, *(path.rglob("*") if path.is_dir() else [])]:
            os.utime(p, (AN_HOUR_AGO, AN_HOUR_AGO))


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # sys.path holds the tests' folder, which changes as the suite is edited: only the
    # paths this module's tests create are backdated and checked for freshness here.
    monkeypatch.setattr(_replay, "RACY_NS", 0)
    folder = tmp_path / "corpus"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    # The cache folder exists before the runs, as after a first run: creating it changes the
    # working folder, which a run lists when Python imports from it.
    (tmp_path / "cache").mkdir()
    (tmp_path / ".newslint_cache").mkdir()
    backdate(folder, tmp_path)
    return folder


def run(capsys, *argv: str) -> tuple[int, str]:
    code = _entry.main(list(argv))
    return code, capsys.readouterr().out


def refuse_to_run(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("the run was not replayed")
    monkeypatch.setattr(_cli, "main", fail)


ARGV = ("check", "--isolated", "--cache-dir", "cache", "--format", "json", "corpus")


def test_an_unchanged_run_is_replayed_without_running(corpus, capsys, monkeypatch):
    code, first = run(capsys, *ARGV)
    assert code == 1 and "NL403" in first
    assert len(list((corpus.parent / "cache" / "runs").iterdir())) == 1
    refuse_to_run(monkeypatch)
    assert run(capsys, *ARGV) == (1, first)


def test_other_arguments_are_another_command(corpus, capsys, monkeypatch):
    run(capsys, *ARGV)
    code, selected = run(capsys, *ARGV, "--select", "NL4")
    assert code == 1 and '"NL2' not in selected and "NL403" in selected


def test_a_changed_input_file_is_checked_again(corpus, capsys):
    _, first = run(capsys, *ARGV)
    seed = sorted(corpus.glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nAdvertisement\n", encoding="utf-8")
    _, second = run(capsys, *ARGV)
    assert second != first and "NL101" in second


def test_a_new_file_in_a_walked_folder_is_checked(corpus, capsys):
    _, first = run(capsys, *ARGV)
    (corpus / "new.txt").write_text("Placeholder while article actions load\n", encoding="utf-8")
    _, second = run(capsys, *ARGV)
    assert "new.txt" in second and "new.txt" not in first


def test_a_changed_configuration_file_is_a_new_run(corpus, capsys):
    config = corpus.parent / "newslint.toml"
    config.write_text('select = ["NL2"]\n', encoding="utf-8")
    backdate(corpus.parent)
    argv = ("check", "--format", "json", "corpus")
    _, first = run(capsys, *argv)
    assert '"NL2' in first and "NL403" not in first
    config.write_text('select = ["NL4"]\n', encoding="utf-8")
    _, second = run(capsys, *argv)
    assert "NL403" in second and '"NL2' not in second


def test_a_file_a_plugin_read_is_a_dependency(corpus):
    # The residue plugin reads a house pack named in the configuration: editing it must count.
    # (Real processes: in one process the plugin keeps packs it has read.)
    pack = corpus.parent / "house.toml"
    rule = ('[[rules]]\nname = "house-promo"\ncode = "NL101"\nmessage = "house promo"\nkind = "phrase"\n'
            'scope = "line"\nphrases = ["{}"]\n')
    pack.write_text(rule.format("Nothing matches this line"), encoding="utf-8")
    config = corpus.parent / "newslint.toml"
    config.write_text('[residue]\npacks = ["house.toml"]\n', encoding="utf-8")
    first_line = sorted(corpus.glob("*.txt"))[0].read_text(encoding="utf-8").splitlines()[0].strip()
    backdate(corpus.parent)
    argv = [sys.executable, "-m", "newslint", "check", "--select", "NL101", "corpus"]
    # A run reading code edited in the last two seconds is not recorded (RACY_NS): a developer
    # may have just saved a file.
    newest = max(p.stat().st_mtime for folder in ("newslint", "plugins")
                 for p in (SEEDS.parent / folder).rglob("*") if "__pycache__" not in p.parts)
    time.sleep(max(0.0, newest + 2.1 - time.time()))
    first = subprocess.run(argv, capture_output=True, text=True, cwd=corpus.parent)
    assert first.returncode == 1 and "house promo" not in first.stdout
    assert len(list((corpus.parent / ".newslint_cache" / "runs").iterdir())) == 1
    pack.write_text(rule.format(first_line), encoding="utf-8")
    second = subprocess.run(argv, capture_output=True, text=True, cwd=corpus.parent)
    assert "house promo" in second.stdout


@pytest.mark.parametrize("extra", [("--fix",), ("--diff",), ("--output-file", "report.json"), ("--no-cache",),
                                   ("--verbose",)])
def test_runs_that_write_or_time_are_never_recorded(corpus, capsys, extra):
    run(capsys, *ARGV, *extra)
    assert not (corpus.parent / "cache" / "runs").exists()
    run(capsys, *ARGV)
    assert (corpus.parent / "cache" / "runs").exists()  # the same run without them is recorded


def test_a_failed_run_is_not_recorded(corpus, capsys, monkeypatch):
    from newslint_plugins import residue

    def crash(article, catalogue):
        raise RuntimeError("a rule that crashes on every article")

    monkeypatch.setattr(residue, "analyse", crash)
    code, out = run(capsys, *ARGV)
    assert code == 2 and "NL002" in out
    assert not (corpus.parent / "cache" / "runs").exists()


def test_fresh_files_are_not_recorded(corpus, capsys, monkeypatch):
    monkeypatch.setattr(_replay, "RACY_NS", 2_000_000_000)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if Path(p).resolve() != Path(__file__).parent])
    # A file changed less than RACY_NS before the run could change again with the same stamp.
    seed = sorted(corpus.glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    run(capsys, *ARGV)
    assert not (corpus.parent / "cache" / "runs").exists()


def test_a_damaged_record_is_ignored(corpus, capsys):
    _, first = run(capsys, *ARGV)
    (record,) = (corpus.parent / "cache" / "runs").iterdir()
    record.write_bytes(b"not a record")
    assert run(capsys, *ARGV) == (1, first)
