"""The unit of work of a run: one article in, an :class:`ArticleResult` out, in any process.

Everything a worker process needs (the rules, the per-file ignores, the fix
settings) lives in one :class:`Worker`, so a serial run, a process pool and a
distributed executor all call the same ``process`` and produce the same results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from . import _suppress
from ._engine import Checker, collect
from ._fix import allowed, fix_article
from ._model import Article, Finding


@dataclass
class ArticleResult:
    """What checking one article produced; small and picklable."""

    findings: list[Finding]
    collected: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    #: The article's text after ``--fix``, when a fix changed it.
    fixed_text: Optional[str] = None
    fixed: int = 0
    #: The article's suppressions, kept only when corpus findings may need them.
    suppressions: Optional[_suppress.Suppressions] = None


class Worker:
    """Checks articles: line and article rules, fixes, corpus ``collect``."""

    def __init__(self, checker: Checker, fix: bool = False, unsafe_fixes: bool = False) -> None:
        self.checker = checker
        self.fix = fix
        self.applicable = allowed(unsafe_fixes)

    def process(self, article: Article) -> ArticleResult:
        ruleset = self.checker.ruleset
        fixed_text, fixed = None, 0
        if self.fix and article.path != "-":
            final, findings, fixed = fix_article(article, self.checker.check, self.applicable)
            if fixed:
                fixed_text = final.text
            article = final
        else:
            findings = self.checker.check(article)
        result = ArticleResult(findings, metrics=article.metrics, fixed_text=fixed_text, fixed=fixed)
        if ruleset.corpus_rules:
            result.collected, crashes = collect(article, ruleset)
            findings.extend(crashes)
            if article.ignores or _suppress.MARKER in article.text:
                result.suppressions = _suppress.parse(article, article.ignores)
        return result

    def __call__(self, articles: list[Article]) -> list[ArticleResult]:
        """Check a batch of articles: the task executors run."""
        return [self.process(article) for article in articles]
