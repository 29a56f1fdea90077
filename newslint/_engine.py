"""The run loop: read articles, run the selected rules, filter, stream findings to the reporter.

Rules are called directly, not through pluggy, and every call is guarded: a
rule that raises becomes an NL002 finding at the article where it raised, and
the other rules still run (pytest's CallInfo idea). Corpus rules keep only the
small values their ``collect`` returns; ``finalize`` runs once at the end.
"""

from __future__ import annotations

import fnmatch
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence

from . import _suppress
from ._corerules import PLUGIN_ERROR, READ_ERROR, UNUSED_SUPPRESSION
from ._model import Article, ArticleRef, Finding, ReadError
from ._pluginmanager import describe_exception
from ._rules import Rule


@dataclass
class RuleSet:
    """The selected rules, sorted by what they implement."""

    rules: list[Rule]
    line_rules: list[Rule] = field(init=False)
    article_rules: list[Rule] = field(init=False)
    corpus_rules: list[Rule] = field(init=False)
    report_unused: bool = False

    def __post_init__(self) -> None:
        self.line_rules = [r for r in self.rules if type(r).implements("check_line")]
        self.article_rules = [r for r in self.rules if type(r).implements("check_article")]
        self.corpus_rules = [r for r in self.rules if type(r).implements("collect")]
        self.report_unused = any(r.code == UNUSED_SUPPRESSION.code for r in self.rules)


def crash_finding(rule: Rule, article: Article, stage: str, error: BaseException) -> Finding:
    line, column = article.position(0)
    return Finding(article.path, line, column, line, column, PLUGIN_ERROR.code, PLUGIN_ERROR.name,
                   f"rule {rule.code} ({rule.name}) raised in {stage}: {describe_exception(error)}",
                   "error", record=article.record, article_id=article.article_id)


def run_rules(article: Article, ruleset: RuleSet) -> list[Finding]:
    """Line and article findings of one article, each rule guarded."""
    findings: list[Finding] = []
    extend = findings.extend
    if ruleset.line_rules:
        lines = article.lines
        for rule in ruleset.line_rules:
            check = rule.check_line
            try:
                for line in lines:
                    extend(check(line, article))
            except Exception as error:
                findings.append(crash_finding(rule, article, "check_line", error))
    for rule in ruleset.article_rules:
        try:
            extend(rule.check_article(article))
        except Exception as error:
            findings.append(crash_finding(rule, article, "check_article", error))
    return findings


def collect(article: Article, ruleset: RuleSet) -> tuple[dict[str, Any], list[Finding]]:
    """Each corpus rule's value for this article, and crash findings."""
    values: dict[str, Any] = {}
    crashes: list[Finding] = []
    for rule in ruleset.corpus_rules:
        try:
            value = rule.collect(article)
        except Exception as error:
            crashes.append(crash_finding(rule, article, "collect", error))
            continue
        if value is not None:
            values[rule.code] = value
    return values, crashes


def read_error_finding(error: ReadError) -> Finding:
    return Finding(error.path, error.line, error.column, error.line, error.column, READ_ERROR.code,
                   READ_ERROR.name, error.message, "error", record=error.record)


class FileFilter:
    """``per-file-ignores``: glob patterns matched against a path relative to the config root."""

    def __init__(self, per_file_ignores: dict[str, list[str]], root: Path) -> None:
        self.patterns = [(pattern, tuple(selectors)) for pattern, selectors in per_file_ignores.items()]
        self.root = root
        self._cache: dict[str, tuple[str, ...]] = {}

    def ignored(self, path: str) -> tuple[str, ...]:
        if not self.patterns:
            return ()
        if path not in self._cache:
            relative = relative_posix(path, self.root)
            hits: list[str] = []
            for pattern, selectors in self.patterns:
                if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(Path(path).name, pattern):
                    hits.extend(selectors)
            self._cache[path] = tuple(hits)
        return self._cache[path]


def relative_posix(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


class Checker:
    """Runs the rules on one article and applies suppressions: the unit that workers and tests share."""

    def __init__(self, ruleset: RuleSet, file_filter: Optional[FileFilter] = None) -> None:
        self.ruleset = ruleset
        self.file_filter = file_filter

    def check(self, article: Article) -> list[Finding]:
        """The article's reportable line and article findings, sorted, suppressions applied."""
        findings = run_rules(article, self.ruleset)
        return self.filter(article, findings)

    def filter(self, article: Article, findings: list[Finding]) -> list[Finding]:
        extra = tuple(article.ignores)
        if self.file_filter:
            extra += self.file_filter.ignored(article.path)
        suppressions = _suppress.parse(article, extra)
        if suppressions is not None:
            findings = [f for f in findings
                        if f.code in ALWAYS_REPORTED or not suppressions.suppresses(f)]
            if self.ruleset.report_unused:
                findings.extend(unused_findings(article, suppressions))
        findings.sort(key=Finding.sort_key.fget)  # type: ignore[attr-defined]
        return findings


ALWAYS_REPORTED = {READ_ERROR.code, PLUGIN_ERROR.code}


def unused_findings(article: Article, suppressions: _suppress.Suppressions) -> Iterator[Finding]:
    for d in suppressions.unused():
        yield Finding(article.path, d.line, d.column, d.line, d.end_column, UNUSED_SUPPRESSION.code,
                      UNUSED_SUPPRESSION.name,
                      f"unused suppression {d.kind}[{', '.join(d.selectors)}]: it hides no finding",
                      UNUSED_SUPPRESSION.severity, record=article.record, article_id=article.article_id)


Reader = Callable[[Path], Optional[Iterable[Any]]]


def read_articles(path: str, read: Reader) -> Iterator[Article | ReadError]:
    """The articles at ``path`` through the readers, turning a reader's crash into a ReadError."""
    try:
        items = read(Path(path))
        if items is None:
            yield ReadError(path, "no reader accepts this file")
            return
        for item in items:
            yield item
    except Exception as error:
        yield ReadError(path, f"cannot read: {describe_exception(error)}")


def finalize(ruleset: RuleSet, collected: Mapping[str, Sequence[tuple[ArticleRef, Any]]],
             checker: Checker) -> list[Finding]:
    """Corpus findings, filtered by per-file ignores and the article-wide suppressions."""
    findings: list[Finding] = []
    for rule in ruleset.corpus_rules:
        values = collected.get(rule.code, [])
        try:
            findings.extend(rule.finalize(values))
        except Exception as error:
            findings.append(Finding("-", 1, 1, 1, 1, PLUGIN_ERROR.code, PLUGIN_ERROR.name,
                                    f"rule {rule.code} ({rule.name}) raised in finalize: "
                                    f"{describe_exception(error)}", "error"))
    if checker.file_filter:
        findings = [f for f in findings
                    if not any(_suppress.matches(s, f) for s in checker.file_filter.ignored(f.path))]
    return findings


def now() -> float:
    return time.perf_counter()
