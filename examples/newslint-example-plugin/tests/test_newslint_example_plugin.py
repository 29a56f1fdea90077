"""Tests of EX101 dangling-link-text, with newslint.testing."""

from __future__ import annotations

import json

import pytest

from newslint.testing import fix_text, lint_text
from newslint_example_plugin import DanglingLinkText

RULING = ("The court published its 90-page ruling on Tuesday. "
          "To read the full ruling, click here.\n")


def codes_and_columns(text, rule=None):
    return [(f.code, f.line, f.column) for f in lint_text(text, rule or DanglingLinkText())]


def test_flags_click_here_with_its_position():
    findings = lint_text(RULING, DanglingLinkText())
    assert [(f.code, f.line, f.column, f.end_column) for f in findings] == [("EX101", 1, 77, 87)]
    assert findings[0].message == "'click here' refers to a link the text no longer has"


@pytest.mark.parametrize("text", [
    "Tap here to watch the minister's statement in full.",
    "For the full list of closed roads, CLICK HERE.",
    "Results from every precinct are online; follow this link for your county.",
])
def test_flags_other_phrases_and_any_case(text):
    assert len(lint_text(text, DanglingLinkText())) == 1


@pytest.mark.parametrize("text", [
    # Quoted: the article reports what a phishing email said.
    "The email urged staff to \u201cclick here\u201d to reset their passwords.",
    # Words that merely contain the phrase.
    "The shutter made an audible click; here the photographer paused.",
    "Investors will click heretofore unseen buttons, the analyst joked.",
    "Lawmakers debated the bill until late Tuesday night.",
    # Rules see one line at a time, so a phrase broken across lines is not matched.
    "To sign up for our morning briefing, click\non this link.",
])
def test_leaves_ordinary_news_alone(text):
    assert lint_text(text, DanglingLinkText()) == []


def test_unsafe_fix_deletes_the_sentence_only():
    assert fix_text(RULING, DanglingLinkText()) == RULING  # safe fixes only: nothing changes
    assert fix_text(RULING, DanglingLinkText(), unsafe=True) == \
        "The court published its 90-page ruling on Tuesday.\n"
    first = "Click here to subscribe. The storm reached the coast at dawn.\n"
    assert fix_text(first, DanglingLinkText(), unsafe=True) == "The storm reached the coast at dawn.\n"


def test_no_fix_for_a_long_sentence():
    text = ("Click here for the county-by-county results, which show turnout fell in all but "
            "three of the state's rural districts.\n")
    (finding,) = lint_text(text, DanglingLinkText())
    assert finding.fix is None


def test_extra_phrases():
    rule = DanglingLinkText(("click here", "read the full report here"))
    assert len(lint_text("The audit found 14 errors. Read the full report here.", rule)) == 1


def test_end_to_end_through_the_installed_entry_point(tmp_path, monkeypatch, newslint_run):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "story.txt").write_text(RULING, encoding="utf-8")
    (tmp_path / "newslint.toml").write_text(
        'select = ["EX"]\n[example]\nextend-phrases = ["watch the video here"]\n', encoding="utf-8")
    (tmp_path / "video.md").write_text("---\ntitle: Storm\n---\nWatch the video here.\n", encoding="utf-8")
    result = newslint_run("check", "--format", "json", ".")
    found = [(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)]
    assert found == [("story.txt", 1, "EX101"), ("video.md", 4, "EX101")]
    assert result.exit_code == 1
    assert "EX101" in newslint_run("plugins").stdout
