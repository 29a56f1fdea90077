"""One ``newslint check`` run: articles in, findings streamed to a reporter, an exit code out."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, TextIO, Union

from . import _suppress
from ._config import Config
from ._corerules import PLUGIN_ERROR
from ._discover import Discovery
from ._engine import (Checker, FileFilter, RuleSet, collect, finalize, now, read_articles,
                      read_error_finding)
from ._errors import ExitCode
from ._fix import allowed, fix_article, write_fixed
from ._model import Article, ArticleRef, Finding, ReadError, RunSummary
from ._pluginmanager import PluginSet
from ._reporting import Reporter
from ._rules import Rule, RuleRegistry


@dataclass
class Session:
    """What a command needs: the plugins, the settled configuration, the rules, the streams."""

    plugins: PluginSet
    config: Config
    registry: RuleRegistry
    stdout: TextIO
    stderr: TextIO
    stdin: Optional[TextIO] = None
    formats: dict[str, Any] = field(default_factory=dict)

    def discovery(self) -> Discovery:
        config = self.config
        return Discovery(config.get("include") + config.get("extend-include"),
                         config.get("exclude") + config.get("extend-exclude"), config.root)

    def iter_files(self, paths: Iterable[str]) -> Iterator[str]:
        return self.discovery().files(paths)

    def read(self, path: str) -> Iterator[Union[Article, ReadError]]:
        """The articles at one path (``-`` is standard input), read errors included."""
        if path == "-":
            stream = self.stdin if self.stdin is not None else sys.stdin
            name = self.config.get("stdin-filename") or "-"
            text = stream.read()
            yield Article(name, text) if text.strip() else ReadError(name, "standard input is empty")
            return
        if not Path(path).exists():
            yield ReadError(path, "no such file or directory")
            return
        hook = self.plugins.hook.newslint_read_path
        yield from read_articles(path, lambda p: hook(path=p, config=self.config))

    def iter_articles(self, paths: Iterable[str]) -> Iterator[Union[Article, ReadError]]:
        """Every article below ``paths``, in report order."""
        for path in self.iter_files(paths):
            yield from self.read(path)


class FixState:
    """The fixed articles of the file being read, written back when the next file starts."""

    def __init__(self, session: Session, diff_only: bool) -> None:
        self.session = session
        self.diff_only = diff_only
        self.path: Optional[str] = None
        self.fixed: dict[Optional[int], Article] = {}
        self.originals: dict[Optional[int], str] = {}

    def add(self, original: Article, fixed: Article) -> None:
        self.fixed[original.record] = fixed
        self.originals[original.record] = original.text

    def flush(self) -> Optional[str]:
        """Write (or diff) the current file; returns a message when that failed."""
        path, fixed, originals = self.path, self.fixed, self.originals
        self.fixed, self.originals = {}, {}
        if not fixed or path is None or path == "-" or (fixed.keys() == {None} and fixed[None].text == originals[None]):
            return None
        text_field = self.session.config.table("jsonl").get("text-field", "text")
        try:
            diff = write_fixed(Path(path), fixed, originals, text_field, self.diff_only)
        except (OSError, ValueError) as error:
            return f"{path}: fixes not written: {error}"
        if diff:
            self.session.stdout.write(diff)
        return None


def run_check(session: Session, rules: list[Rule], reporter: Reporter) -> ExitCode:
    """Check every path of the run; findings stream to ``reporter``."""
    config = session.config
    started = now()
    summary = RunSummary()
    ruleset = RuleSet(rules)
    checker = Checker(ruleset, FileFilter(config.get("per-file-ignores") or {}, config.root))
    fixing = bool(config.get("fix") or config.get("diff"))
    applicable = allowed(bool(config.get("unsafe-fixes")))
    fixes = FixState(session, bool(config.get("diff")))
    want_metrics = bool(config.get("metrics") or config.get("statistics"))
    collected: dict[str, list[tuple[ArticleRef, Any]]] = {}
    corpus_suppressions: dict[tuple[str, Optional[int]], _suppress.Suppressions] = {}

    def report(finding: Finding) -> None:
        summary.findings += 1
        summary.by_code[finding.code] = summary.by_code.get(finding.code, 0) + 1
        if finding.code == PLUGIN_ERROR.code:
            summary.errors += 1
        if finding.fix is not None:
            summary.fixable += 1
        reporter.add(finding)

    reporter.start(rules)
    for error in session.plugins.errors:
        report(Finding(error.plugin, 1, 1, 1, 1, PLUGIN_ERROR.code, PLUGIN_ERROR.name,
                       f"plugin {error.plugin}: {error.message}", "error"))
    current_path: Optional[str] = None
    for item in session.iter_articles(config.paths or ["."]):
        if item.path != current_path:
            if fixing:
                problem = fixes.flush()
                if problem:
                    session.stderr.write(f"newslint: {problem}\n")
            current_path = fixes.path = item.path
            summary.files += 1
        if isinstance(item, ReadError):
            report(read_error_finding(item))
            continue
        summary.articles += 1
        summary.bytes += len(item.text)
        if fixing and item.path != "-":
            fixed, findings, count = fix_article(item, checker.check, applicable)
            if count:
                summary.fixed += count
                fixes.add(item, fixed)
            article = fixed
        else:
            article = item
            findings = checker.check(article)
        if ruleset.corpus_rules:
            values, crashes = collect(article, ruleset)
            findings.extend(crashes)
            ref = article.ref
            for code, value in values.items():
                collected.setdefault(code, []).append((ref, value))
            if article.ignores or _suppress.MARKER in article.text:
                parsed = _suppress.parse(article, article.ignores)
                if parsed is not None:
                    corpus_suppressions[(article.path, article.record)] = parsed
        for finding in findings:
            report(finding)
        if want_metrics and article.metrics:
            reporter.add_article(article.ref, article.metrics)
    if fixing:
        problem = fixes.flush()
        if problem:
            session.stderr.write(f"newslint: {problem}\n")
    if ruleset.corpus_rules:
        corpus = finalize(ruleset, collected, checker)
        corpus.sort(key=lambda f: (f.path, f.sort_key))
        for finding in corpus:
            suppressions = corpus_suppressions.get((finding.path, finding.record))
            if suppressions is None or not suppressions.suppresses(finding):
                report(finding)
    summary.seconds = now() - started
    reporter.finish(summary)
    list(session.plugins.call_each("newslint_run_finished", summary=summary, config=config))
    if summary.errors:
        return ExitCode.ERROR
    if summary.findings and not config.get("exit-zero"):
        if fixing and config.get("diff"):
            return ExitCode.FINDINGS
        return ExitCode.FINDINGS
    if config.get("diff") and summary.fixed:
        return ExitCode.FINDINGS
    return ExitCode.OK
