"""Helpers for testing rules and plugins with pytest.

``lint_text`` runs one rule on one text, with no plugin manager, no files
and no configuration: the fastest way to test a rule. The ``newslint_run``
fixture runs the whole command line in-process and captures its output.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence

from ._engine import Checker, RuleSet, finalize
from ._fix import allowed, fix_article
from ._model import Article, Finding
from ._rules import Rule


def _ruleset(rules: Rule | Sequence[Rule]) -> RuleSet:
    return RuleSet([rules] if isinstance(rules, Rule) else list(rules))


def lint_text(text: str, rule: Rule | Sequence[Rule], path: str = "article.txt") -> list[Finding]:
    """The findings of ``rule`` (or several rules) on ``text``, suppression comments applied."""
    ruleset = _ruleset(rule)
    article = Article(path, text)
    checker = Checker(ruleset)
    findings = checker.check(article)
    if ruleset.corpus_rules:
        findings += lint_corpus({path: text}, ruleset.corpus_rules)
    return findings


def lint_corpus(texts: Mapping[str, str], rule: Rule | Sequence[Rule]) -> list[Finding]:
    """The corpus findings (``collect`` then ``finalize``) of ``rule`` over ``{path: text}``."""
    ruleset = _ruleset(rule)
    collected: dict[str, list] = {}
    for path, text in texts.items():
        article = Article(path, text)
        for r in ruleset.corpus_rules:
            value = r.collect(article)
            if value is not None:
                collected.setdefault(r.code, []).append((article.ref, value))
    return finalize(ruleset, collected, Checker(ruleset))


def fix_text(text: str, rule: Rule | Sequence[Rule], unsafe: bool = False) -> str:
    """``text`` after applying the fixes of ``rule`` the way ``--fix`` does (re-checking until stable)."""
    checker = Checker(_ruleset(rule))
    fixed, _, _ = fix_article(Article("article.txt", text), checker.check, allowed(unsafe))
    return fixed.text


@dataclass
class RunResult:
    """What an in-process ``newslint`` run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str


def run_cli(argv: Sequence[str], plugins: Iterable[object] = (), stdin: Optional[str] = None) -> RunResult:
    """Run ``newslint ARGV`` in this process, with extra in-process plugins, and capture its output."""
    from ._cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), plugins=list(plugins), stdout=out, stderr=err,
                stdin=io.StringIO(stdin) if stdin is not None else None)
    return RunResult(int(code), out.getvalue(), err.getvalue())


try:
    import pytest
except ImportError:  # pragma: no cover - newslint itself does not need pytest
    pass
else:
    @pytest.fixture
    def newslint_run():
        """A function ``run(*argv, plugins=(), stdin=None) -> RunResult`` running the CLI in-process."""
        def run(*argv: str, plugins: Iterable[object] = (), stdin: Optional[str] = None) -> RunResult:
            return run_cli(argv, plugins, stdin)
        return run
