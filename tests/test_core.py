"""The core through the command line: the JSON contract, suppressions, fixes, failures, config."""

from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path

import pytest

from conftest import SEED_LINE, TestPlugin
from newslint import ExitCode, hookimpl
from newslint.testing import run_cli

KEYS = {"path", "line", "column", "end_line", "end_column", "code", "name", "message", "severity",
        "fix", "related", "record", "article_id"}


def run(*argv, plugins=None, stdin=None):
    return run_cli(["check", "--isolated", *argv], [TestPlugin()] if plugins is None else plugins, stdin)


def findings(*argv, plugins=None, stdin=None):
    result = run("--format", "json", *argv, plugins=plugins, stdin=stdin)
    return json.loads(result.stdout), result


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_json_contract_positions_and_fix(tmp_path):
    (tmp_path / "a.txt").write_text("Trump  said.\nThe BREAKING news\n", encoding="utf-8")
    data, result = findings("a.txt", "--select", "TST001,TST002")
    assert result.exit_code == ExitCode.FINDINGS
    assert [set(f) for f in data] == [KEYS, KEYS]
    first, second = data
    assert (first["line"], first["column"], first["end_line"], first["end_column"]) == (1, 6, 1, 8)
    assert first["fix"] == {"applicability": "safe", "message": "", "edits": [
        {"line": 1, "column": 6, "end_line": 1, "end_column": 8, "content": " "}]}
    assert (second["code"], second["line"], second["column"]) == ("TST002", 2, 5)
    assert second["fix"]["applicability"] == "unsafe"
    assert first["record"] is None and first["article_id"] is None and first["path"] == "a.txt"


def test_text_format_and_summary(tmp_path):
    (tmp_path / "a.txt").write_text("Trump  said.\n", encoding="utf-8")
    result = run("a.txt", "--select", "TST001")
    assert result.stdout.splitlines() == [
        "a.txt:1:6: TST001 [*] two spaces",
        "Found 1 finding (1 fixable with --fix or --unsafe-fixes).",
    ]
    clean = run("a.txt", "--select", "TST002")
    assert clean.exit_code == ExitCode.OK and "All checks passed" in clean.stdout


def test_markdown_front_matter_lines_are_file_lines(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: Sanctions\ndate: 2018-04-17\n---\nTrump  said.\n",
                                   encoding="utf-8")
    data, _ = findings("a.md", "--select", "TST001")
    assert (data[0]["line"], data[0]["column"]) == (5, 6)


def test_jsonl_records_positions_and_errors(tmp_path):
    lines = [json.dumps({"id": "a1", "text": "Fine text.\nTrump  said."}), "{broken", json.dumps({"id": 3}),
             json.dumps({"id": 4, "text": ["not", "a", "string"]}), json.dumps({"id": "a5", "text": "x  y"})]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data, result = findings("c.jsonl", "--select", "TST001")
    got = [(f["code"], f["record"], f["line"], f["column"], f["article_id"]) for f in data]
    assert got == [("TST001", 1, 2, 6, "a1"), ("NL001", 2, 1, 2, None), ("NL001", 3, 1, 1, None),
                   ("NL001", 4, 1, 1, None), ("TST001", 5, 1, 2, "a5")]
    assert "no 'text' field" in data[2]["message"] and "list, not a string" in data[3]["message"]


def test_jsonl_gz_and_custom_text_field(tmp_path):
    with gzip.open(tmp_path / "c.jsonl.gz", "wt", encoding="utf-8") as stream:
        stream.write(json.dumps({"uid": 9, "body": "Trump  said."}) + "\n")
    data, _ = findings("c.jsonl.gz", "--select", "TST001", "--jsonl-text-field", "body", "--jsonl-id-field", "uid")
    assert [(f["record"], f["article_id"]) for f in data] == [(1, "9")]


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    (b"Trump said\nthe sanct\xe9ions", "invalid UTF-8 at byte offset 20"),
])
def test_bad_files_are_nl001_and_the_run_goes_on(tmp_path, content, message):
    (tmp_path / "bad.txt").write_bytes(content)
    (tmp_path / "good.txt").write_text("Trump  said.\n", encoding="utf-8")
    data, result = findings("bad.txt", "good.txt", "missing.txt", "--select", "TST001")
    assert [(f["path"], f["code"]) for f in data] == [("bad.txt", "NL001"), ("good.txt", "TST001"),
                                                        ("missing.txt", "NL001")]
    assert message in data[0]["message"]
    assert "no such file" in data[2]["message"]
    assert "Traceback" not in result.stderr


def test_invalid_utf8_points_at_line_and_column(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"first line\nsecond \xff line\n")
    data, _ = findings("bad.txt")
    assert (data[0]["line"], data[0]["column"]) == (2, 8)


def test_unreadable_file(tmp_path, monkeypatch):
    target = tmp_path / "locked.txt"
    target.write_text("text", encoding="utf-8")
    real = Path.read_bytes

    def deny(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    # Tests run as root in CI, where chmod 000 does not stop reading; simulate the OS's refusal.
    monkeypatch.setattr(Path, "read_bytes", deny)
    data, _ = findings("locked.txt")
    assert data[0]["code"] == "NL001" and data[0]["message"] == "permission denied"


def test_huge_single_line_file(tmp_path):
    (tmp_path / "huge.txt").write_text(("word " * 10_000_000) + "end  here", encoding="utf-8")
    data, _ = findings("huge.txt", "--select", "TST001")
    assert len(data) == 1 and data[0]["line"] == 1 and data[0]["column"] == 50_000_004


def test_stdin(tmp_path):
    data, _ = findings("-", "--select", "TST001", "--stdin-filename", "piped.txt", stdin="Trump  said.\n")
    assert [(f["path"], f["column"]) for f in data] == [("piped.txt", 6)]


def test_crashing_rule_is_nl002_others_still_run(tmp_path):
    (tmp_path / "a.txt").write_text("Haley shot back at Kudlow  on Tuesday.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Trump  said.\n", encoding="utf-8")
    data, result = findings(".", "--select", "TST")
    codes = [(f["path"], f["code"]) for f in data]
    assert ("a.txt", "NL002") in codes and ("a.txt", "TST001") in codes and ("b.txt", "TST001") in codes
    crash = next(f for f in data if f["code"] == "NL002")
    assert "TST003" in crash["message"] and "ValueError: boom" in crash["message"]
    assert result.exit_code == ExitCode.ERROR


class MisspeltHook:
    @hookimpl
    def newslint_register_rulez(self, register):
        pass


class RaisingRegistration:
    @hookimpl
    def newslint_register_rules(self, register, config):
        raise RuntimeError("cannot load data")


class BadCode:
    @hookimpl
    def newslint_register_rules(self, register, config):
        from conftest import DoubleSpace

        class Bad(DoubleSpace):
            code = "nl1"
        register(Bad())
        register(DoubleSpace())  # a duplicate of TestPlugin's


@pytest.mark.parametrize("plugin, text", [
    (MisspeltHook(), "newslint_register_rulez"),
    (RaisingRegistration(), "RuntimeError: cannot load data"),
    (BadCode(), "is not 2-4 capitals"),
])
def test_broken_plugins_are_nl002_and_the_run_goes_on(tmp_path, plugin, text):
    (tmp_path / "a.txt").write_text("Trump  said.\n", encoding="utf-8")
    data, result = findings("a.txt", "--select", "TST001", plugins=[TestPlugin(), plugin])
    assert any(f["code"] == "NL002" and text in f["message"] for f in data), data
    assert any(f["code"] == "TST001" for f in data)
    assert result.exit_code == ExitCode.ERROR


def test_duplicate_rule_code_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text("Trump  said.\n", encoding="utf-8")
    data, _ = findings("a.txt", "--select", "TST001", plugins=[TestPlugin(), BadCode()])
    assert any("TST001 is already registered" in f["message"] for f in data)


def test_corpus_rule_collect_finalize_with_related(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(("Other story.\n" if name == "b.txt" else SEED_LINE + "\n") + "More.\n",
                                     encoding="utf-8")
    data, _ = findings(".", "--select", "TST004")
    assert [(f["path"], f["related"][0]["path"]) for f in data] == [("c.txt", "a.txt")]


# -- suppressions -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected_lines", [
    ("Trump  said. <!-- newslint: ignore[TST001] -->\nHaley  said.\n", [2]),
    ("<!-- newslint: ignore[double-space] -->\nTrump  said.\nHaley  said.\n", [3]),
    ("<!-- newslint: ignore[TST002] -->\nTrump  said.\n", [2]),
    ("a  b\n<!-- newslint: disable[TST0] -->\nc  d\ne  f\n<!-- newslint: enable[TST0] -->\ng  h\n", [1, 6]),
    ("a  b\n<!-- newslint: file-ignore[ALL] -->\nc  d\n", []),
])
def test_inline_suppressions(tmp_path, text, expected_lines):
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    data, _ = findings("a.md", "--select", "TST001")
    assert [f["line"] for f in data] == expected_lines


def test_unused_suppression_is_opt_in(tmp_path):
    (tmp_path / "a.md").write_text("<!-- newslint: ignore[TST001] -->\nClean line.\n", encoding="utf-8")
    assert findings("a.md", "--select", "TST001")[0] == []
    data, _ = findings("a.md", "--select", "TST001,NL003")
    assert [(f["code"], f["line"]) for f in data] == [("NL003", 1)]


def test_jsonl_ignore_field_and_front_matter_ignore(tmp_path):
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": "a  b", "newslint-ignore": ["TST001"]}) + "\n"
                                      + json.dumps({"text": "c  d"}) + "\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("---\nnewslint-ignore: [TST001]\n---\na  b\n", encoding="utf-8")
    data, _ = findings(".", "--select", "TST001")
    assert [(f["path"], f["record"]) for f in data] == [("c.jsonl", 2)]


# -- configuration ------------------------------------------------------------------------------

def test_config_file_select_and_per_file_ignores(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.newslint]\nselect = ["TST"]\nignore = ["TST003"]\n'
        '[tool.newslint.per-file-ignores]\n"wire/*" = ["TST001"]\n', encoding="utf-8")
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "a.txt").write_text("Kudlow  said SHOUT LOUDLY.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Kudlow  said.\n", encoding="utf-8")
    result = run_cli(["check", "--format", "json", "."], [TestPlugin()])
    got = [(f["path"], f["code"]) for f in json.loads(result.stdout)]
    assert got == [("b.txt", "TST001"), ("wire/a.txt", "TST002"), ("wire/a.txt", "TST002")]


def test_cli_beats_file_and_most_specific_selector_wins(tmp_path):
    (tmp_path / "newslint.toml").write_text('select = ["TST002"]\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("a  b LOUDLY\n", encoding="utf-8")
    cli = run_cli(["check", "--format", "json", "--select", "TST", "--ignore", "TST0", "--extend-select",
                   "TST001", "a.txt"], [TestPlugin()])
    assert [f["code"] for f in json.loads(cli.stdout)] == ["TST001"]


@pytest.mark.parametrize("content, message", [
    ('[tool.newslint]\nselct = ["NL1"]\n', "unknown key 'selct'; did you mean select"),
    ('[tool.newslint]\nselect = "NL1"\n', "select must be a list"),
    ('[tool.newslint\nselect = 1\n', "malformed TOML"),
    ('[tool.newslint]\nselect = ["TST00l"]\n', "unknown rule selector 'TST00l'; did you mean TST00"),
    ('[tool.newslint.jsonl]\ntext_field = "body"\n', "unknown key jsonl.text_field; did you mean text-field"),
])
def test_config_errors_are_usage_errors(tmp_path, content, message):
    (tmp_path / "pyproject.toml").write_text(content, encoding="utf-8")
    (tmp_path / "a.txt").write_text("text\n", encoding="utf-8")
    result = run_cli(["check", "a.txt"], [TestPlugin()])
    assert result.exit_code == ExitCode.ERROR
    assert message in result.stderr and "Traceback" not in result.stderr


def test_unknown_cli_selector_and_format(tmp_path):
    (tmp_path / "a.txt").write_text("text\n", encoding="utf-8")
    assert "did you mean double-space" in run("--select", "double-spaces", "a.txt").stderr
    bad = run("--format", "jsno", "a.txt")
    assert bad.exit_code == 2 and "did you mean json" in bad.stderr


def test_config_found_by_walking_up(tmp_path, monkeypatch):
    (tmp_path / "newslint.toml").write_text('select = ["TST001"]\n', encoding="utf-8")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "a.txt").write_text("a  b LOUDLY\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "deep" / "er")
    result = run_cli(["check", "--format", "json", "a.txt"], [TestPlugin()])
    assert [f["code"] for f in json.loads(result.stdout)] == ["TST001"]


# -- discovery ----------------------------------------------------------------------------------

def test_walk_is_sorted_skips_hidden_ignored_and_excluded(tmp_path):
    import subprocess
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("ignored.txt\n", encoding="utf-8")
    for name in ("b.txt", "a/z.md", "a/c.txt", "ignored.txt", ".hidden.txt", "skip/x.txt", "notes.rst"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a  b\n", encoding="utf-8")
    data, _ = findings(".", "--select", "TST001", "--extend-exclude", "skip")
    assert [f["path"] for f in data] == ["a/c.txt", "a/z.md", "b.txt"]


# -- fixes --------------------------------------------------------------------------------------

def test_fix_keeps_line_endings_permissions_and_untouched_text(tmp_path):
    target = tmp_path / "a.txt"
    original = "Trump  said.\r\nThe BREAKING news\r\nHaley shot back.\r\n".encode("utf-8")
    target.write_bytes(original)
    os.chmod(target, 0o640)
    result = run("--fix", "a.txt", "--select", "TST001,TST002")
    assert target.read_bytes() == b"Trump said.\r\nThe BREAKING news\r\nHaley shot back.\r\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert result.exit_code == ExitCode.FINDINGS  # the unsafe one remains
    assert "a.txt:2:5: TST002" in result.stdout and "1 fixed, 1 remaining" in result.stdout
    run("--fix", "--unsafe-fixes", "a.txt", "--select", "TST001,TST002")
    assert target.read_bytes() == b"Trump said.\r\nThe breaking news\r\nHaley shot back.\r\n"


def test_fix_in_markdown_keeps_front_matter(tmp_path):
    target = tmp_path / "a.md"
    target.write_text("---\ntitle: A  title\n---\nTrump  said   it.\n", encoding="utf-8")
    assert run("--fix", "a.md", "--select", "TST001").exit_code == ExitCode.OK
    assert target.read_text(encoding="utf-8") == "---\ntitle: A  title\n---\nTrump said it.\n"


def test_fix_respects_suppressions(tmp_path):
    target = tmp_path / "a.md"
    text = "Trump  said. <!-- newslint: ignore[TST001] -->\n"
    target.write_text(text, encoding="utf-8")
    run("--fix", "a.md", "--select", "TST001")
    assert target.read_text(encoding="utf-8") == text


def test_diff_writes_nothing(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("Trump  said.\n", encoding="utf-8")
    result = run("--diff", "a.txt", "--select", "TST001")
    assert "-Trump  said.\n+Trump said.\n" in result.stdout
    assert target.read_text(encoding="utf-8") == "Trump  said.\n"
    assert result.exit_code == ExitCode.FINDINGS


def test_jsonl_fix_rewrites_only_fixed_records(tmp_path):
    records = [b'{"id": 1, "text": "Clean \\u201cquoted\\u201d text."}\n',
               '{"id":2,"text":"Trump  said “so”.","src":"cnn"}\n'.encode("utf-8"),
               b'{"id": 3,   "text": "Also   clean"}\n']
    target = tmp_path / "c.jsonl"
    target.write_bytes(b"".join(records))
    run("--fix", "c.jsonl", "--select", "double-space")
    lines = target.read_bytes().splitlines(keepends=True)
    assert lines[0] == records[0]
    assert json.loads(lines[1]) == {"id": 2, "text": "Trump said “so”.", "src": "cnn"}
    assert lines[1] == '{"id":2,"text":"Trump said “so”.","src":"cnn"}\n'.encode("utf-8")
    assert json.loads(lines[2])["text"] == "Also clean"


def test_output_file(tmp_path):
    (tmp_path / "a.txt").write_text("Trump  said.\n", encoding="utf-8")
    result = run("a.txt", "--select", "TST001", "--format", "json", "--output-file", "out.json")
    assert result.stdout == "" and json.loads((tmp_path / "out.json").read_text())[0]["code"] == "TST001"


def test_exit_zero_and_quiet(tmp_path):
    (tmp_path / "a.txt").write_text("Trump  said.\n", encoding="utf-8")
    result = run("a.txt", "--select", "TST001", "--exit-zero", "--quiet")
    assert result.exit_code == 0 and result.stdout == "a.txt:1:6: TST001 [*] two spaces\n"


class TablesOption:
    @hookimpl
    def newslint_addoption(self, parser):
        parser.addoption("rules", type="tables", default=[], table="house")

    @hookimpl
    def newslint_configure(self, config):
        TablesOption.seen = config.table("house")["rules"]


def test_array_of_tables_option(tmp_path):
    (tmp_path / "newslint.toml").write_text('[[house.rules]]\ncode = "HS101"\n[[house.rules]]\ncode = "HS102"\n',
                                            encoding="utf-8")
    (tmp_path / "a.txt").write_text("text\n", encoding="utf-8")
    assert run_cli(["check", "--select", "TST001", "a.txt"], [TestPlugin(), TablesOption()]).exit_code == 0
    assert TablesOption.seen == [{"code": "HS101"}, {"code": "HS102"}]
    (tmp_path / "newslint.toml").write_text('[house]\nrules = ["HS101"]\n', encoding="utf-8")
    assert "must be an array of tables" in run_cli(["check", "a.txt"], [TestPlugin(), TablesOption()]).stderr


def test_jsonl_gz_fix_and_jsonl_diff(tmp_path):
    with gzip.open(tmp_path / "c.jsonl.gz", "wt", encoding="utf-8") as stream:
        stream.write(json.dumps({"id": 1, "text": "Trump  said."}) + "\n" + json.dumps({"id": 2, "text": "ok"}) + "\n")
    run("--fix", "c.jsonl.gz", "--select", "TST001")
    with gzip.open(tmp_path / "c.jsonl.gz", "rt", encoding="utf-8") as stream:
        assert [json.loads(line)["text"] for line in stream] == ["Trump said.", "ok"]
    (tmp_path / "d.jsonl").write_text(json.dumps({"id": 1, "text": "ok"}) + "\n"
                                      + json.dumps({"id": 2, "text": "a  b"}) + "\n", encoding="utf-8")
    before = (tmp_path / "d.jsonl").read_bytes()
    diff = run("--diff", "d.jsonl", "--select", "TST001").stdout
    assert '@@ -2 +2 @@\n-{"id": 2, "text": "a  b"}\n+{"id": 2, "text": "a b"}\n' in diff
    assert (tmp_path / "d.jsonl").read_bytes() == before


def test_force_exclude_applies_to_named_files(tmp_path):
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "a.txt").write_text("Trump  said.\n", encoding="utf-8")
    assert len(findings("drafts/a.txt", "--select", "TST001", "--extend-exclude", "drafts")[0]) == 1
    assert findings("drafts/a.txt", "--select", "TST001", "--extend-exclude", "drafts", "--force-exclude")[0] == []


class FeedReader:
    """A reader plugin for a format newslint cannot write back."""

    @hookimpl(tryfirst=True)
    def newslint_read_path(self, path, config):
        if path.suffix != ".feed":
            return None
        from newslint import Article
        return [Article(str(path), item, record=i) for i, item in enumerate(json.loads(path.read_text())["items"], 1)]


def test_fix_never_writes_a_format_its_reader_cannot_write(tmp_path):
    feed = tmp_path / "news.feed"
    feed.write_text(json.dumps({"items": ["Storm  hits."]}), encoding="utf-8")
    before = feed.read_bytes()
    result = run("--fix", "news.feed", "--select", "TST001", plugins=[TestPlugin(), FeedReader()])
    assert feed.read_bytes() == before
    assert "news.feed: fixes not written" in result.stderr


class TakesTheTextFormat:
    @hookimpl
    def newslint_register_formats(self, register):
        register("text", object)


def test_a_taken_format_name_is_a_plugin_error(tmp_path):
    (tmp_path / "a.txt").write_text("Trump  said.\n", encoding="utf-8")
    result = run("a.txt", "--select", "TST001", plugins=[TestPlugin(), TakesTheTextFormat()])
    assert "cannot register format 'text': the name is taken" in result.stdout
    assert result.exit_code == ExitCode.ERROR
