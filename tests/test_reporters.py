"""Every output format on the same small corpus: parseable, complete, and shaped as documented."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest

from conftest import SEED_LINE, TestPlugin
from newslint import Rule, hookimpl
from newslint.testing import run_cli

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(f"{SEED_LINE}\nTrump  said.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"{SEED_LINE}\nThe BREAKING news.\n", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "r1", "text": "x  y, the sanctions"}) + "\n{oops\n",
                                      encoding="utf-8")
    return tmp_path


def run(*argv):
    return run_cli(["check", "--isolated", "--select", "TST001,TST002,TST004", *argv], [TestPlugin()])


def test_sarif_validates_against_the_2_1_0_schema(corpus):
    result = run("--format", "sarif", ".")
    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    run_ = log["runs"][0]
    assert run_["tool"]["driver"]["name"] == "newslint"
    ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert {"TST001", "TST002", "TST004"} <= set(ids)
    results = run_["results"]
    assert {r["ruleId"] for r in results} == {"TST001", "TST002", "TST004", "NL001"}
    duplicate = next(r for r in results if r["ruleId"] == "TST004")
    assert duplicate["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a.txt"
    jsonl = [r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "c.jsonl"]
    assert sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in jsonl) == [1, 2]


def test_github_annotations(corpus):
    lines = run("--format", "github", "a.txt", "c.jsonl").stdout.splitlines()
    assert lines[0] == ("::warning file=a.txt,line=2,col=6,endLine=2,endColumn=8,"
                        "title=TST001 double-space::TST001 two spaces")
    assert lines[-1].startswith("::error file=c.jsonl,line=2,title=NL001 read-error::NL001 record 2")


def test_junit_is_xml_with_a_failure_per_finding(corpus):
    root = ElementTree.fromstring(run("--format", "junit", ".").stdout.split("\n", 1)[1])
    failures = root.findall(".//failure")
    assert len(failures) == int(root.get("failures")) == 5
    assert {f.get("type") for f in failures} == {"TST001", "TST002", "TST004", "NL001"}


def test_junit_without_findings_has_a_passing_case(corpus):
    result = run_cli(["check", "--isolated", "--select", "TST002", "--format", "junit", "a.txt"], [TestPlugin()])
    root = ElementTree.fromstring(result.stdout.split("\n", 1)[1])
    assert root.get("failures") == "0" and len(root.findall(".//testcase")) == 1


def test_jsonl_streams_one_object_per_line(corpus):
    lines = run("--format", "jsonl", ".").stdout.splitlines()
    assert [json.loads(line)["code"] for line in lines] == ["TST001", "TST002", "TST001", "NL001", "TST004"]


def test_text_shows_record_positions_and_full_shows_the_source(corpus):
    text = run("c.jsonl").stdout.splitlines()
    assert text[0] == "c.jsonl:1:1:2: TST001 [*] two spaces"
    full = run("--format", "full", "a.txt").stdout.splitlines()
    assert full[1:3] == ["    Trump  said.", "         ^^"]


class Measures(Rule):
    """## What it does
    Measures words.

    ## Why is this bad?
    Test rule.

    ## Example
    Any text.

    ## Fix safety
    No fix.
    """

    code = "TST010"
    name = "measures"
    summary = "Measures"

    def check_article(self, article):
        article.add_metric("words", len(article.text.split()))
        return ()


class MeasurePlugin:
    @hookimpl
    def newslint_register_rules(self, register, config):
        register(Measures())


def test_metrics_in_json_only_when_asked_and_in_statistics(corpus):
    argv = ["check", "--isolated", "--select", "TST001,TST010", "a.txt", "b.txt"]
    plain = json.loads(run_cli([*argv, "--format", "json"], [TestPlugin(), MeasurePlugin()]).stdout)
    assert all("type" not in item for item in plain)
    with_metrics = json.loads(run_cli([*argv, "--format", "json", "--metrics"], [TestPlugin(), MeasurePlugin()]).stdout)
    metrics = [item for item in with_metrics if item.get("type") == "metrics"]
    assert [(m["path"], m["metrics"]["words"]) for m in metrics] == [("a.txt", 16), ("b.txt", 17)]
    stats = run_cli([*argv, "--statistics"], [TestPlugin(), MeasurePlugin()]).stdout
    assert "       1  TST001  [*] double-space" in stats
    words = next(line for line in stats.splitlines() if line.startswith("words"))
    assert words.split()[1:3] == ["2", "16.500"]
