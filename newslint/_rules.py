"""The :class:`Rule` base class and the registry that validates and selects rules."""

from __future__ import annotations

import difflib
import re
from typing import Any, ClassVar, Iterable, Optional, Sequence

from ._errors import UsageError
from ._model import Article, ArticleRef, Finding, Fix, Line, Location

CODE_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
SEVERITIES = ("error", "warning", "info")
FIX_AVAILABILITIES = ("always", "sometimes", "none")


class Rule:
    """Base class of every rule; a subclass's docstring is its documentation.

    Override any of the four check methods. Line and article checks run on
    every article; ``collect`` runs on every article too and returns a small,
    picklable value that ``finalize`` receives for the whole corpus, once.
    A rule instance holds only its options, so the same instance can run in
    several processes.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[str] = "warning"
    default_enabled: ClassVar[bool] = True
    fix_availability: ClassVar[str] = "none"

    def check_line(self, line: Line, article: Article) -> Iterable[Finding]:
        """Findings on one line of the article."""
        return ()

    def check_article(self, article: Article) -> Iterable[Finding]:
        """Findings on the article as a whole."""
        return ()

    def collect(self, article: Article) -> Optional[Any]:
        """Corpus rules, phase 1: a small picklable summary of the article, or None to skip it."""
        return None

    def finalize(self, collected: Sequence[tuple[ArticleRef, Any]]) -> Iterable[Finding]:
        """Corpus rules, phase 2: findings over every value ``collect`` returned, with its article."""
        return ()

    # -- helpers for subclasses -------------------------------------------------

    def finding(self, article: Article, start: int, end: int, message: str, *,
                fix: Optional[Fix] = None, related: Sequence[Location] = (),
                severity: Optional[str] = None) -> Finding:
        """A finding spanning ``article.text[start:end]``."""
        line, column = article.position(start)
        end_line, end_column = article.position(end)
        return Finding(article.path, line, column, end_line, end_column, self.code, self.name,
                       message, severity or self.severity, article.resolve_fix(fix), tuple(related),
                       article.record, article.article_id, start, end)

    def finding_at(self, ref: ArticleRef, line: int, message: str, *, column: int = 1,
                   end_line: Optional[int] = None, end_column: Optional[int] = None,
                   related: Sequence[Location] = (), severity: Optional[str] = None) -> Finding:
        """A finding placed by line and column in an article's text (for ``finalize``)."""
        where = ref.location(line, column)
        last = ref.location(end_line if end_line is not None else line,
                            end_column if end_column is not None else column)
        return Finding(ref.path, where.line, where.column, last.line, last.column, self.code,
                       self.name, message, severity or self.severity, None, tuple(related),
                       ref.record, ref.article_id)

    @classmethod
    def implements(cls, method: str) -> bool:
        """Whether the subclass overrides ``method`` (so the engine can skip empty calls)."""
        return getattr(cls, method) is not getattr(Rule, method)


def validate_rule(rule: Rule) -> Optional[str]:
    """Why ``rule`` cannot be registered, or None."""
    cls = type(rule)
    for attr in ("code", "name", "summary"):
        if not isinstance(getattr(cls, attr, None), str):
            return f"{cls.__name__} has no {attr}"
    if not CODE_RE.match(rule.code):
        return f"{cls.__name__}: code {rule.code!r} is not 2-4 capitals and 3 digits"
    if not NAME_RE.match(rule.name):
        return f"{cls.__name__}: name {rule.name!r} is not kebab-case"
    if rule.severity not in SEVERITIES:
        return f"{cls.__name__}: severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}"
    if rule.fix_availability not in FIX_AVAILABILITIES:
        return f"{cls.__name__}: fix_availability {rule.fix_availability!r} is not one of {', '.join(FIX_AVAILABILITIES)}"
    return None


class RuleRegistry:
    """All registered rules, keyed by code and name, and selection over them."""

    def __init__(self) -> None:
        self.rules: dict[str, Rule] = {}
        self.by_name: dict[str, Rule] = {}
        self.owner: dict[str, str] = {}

    def add(self, rule: Rule, owner: str) -> Optional[str]:
        """Register ``rule`` for plugin ``owner``; return why it was refused, or None."""
        problem = validate_rule(rule)
        if problem:
            return problem
        for key, table in ((rule.code, self.rules), (rule.name, self.by_name)):
            if key in table:
                return f"{key} is already registered by {self.owner[table[key].code]}"
        self.rules[rule.code] = rule
        self.by_name[rule.name] = rule
        self.owner[rule.code] = owner
        return None

    def __iter__(self):
        return iter(sorted(self.rules.values(), key=lambda r: r.code))

    def get(self, key: str) -> Optional[Rule]:
        return self.rules.get(key) or self.by_name.get(key)

    def specificity(self, selector: str, rule: Rule) -> int:
        """How closely ``selector`` names ``rule`` (0 = not at all); the most specific selector wins."""
        if selector == "ALL":
            return 1
        if selector == rule.code or selector == rule.name:
            return 100
        if rule.code.startswith(selector):
            return 1 + len(selector)
        return 0

    def check_selectors(self, selectors: Iterable[str], where: str) -> None:
        """Raise :class:`UsageError` for a selector that names no rule, with close matches."""
        known = sorted(set(self.rules) | set(self.by_name))
        for selector in selectors:
            if selector == "ALL" or any(self.specificity(selector, r) for r in self.rules.values()):
                continue
            close = difflib.get_close_matches(selector, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(f"{where}: unknown rule selector {selector!r}{hint}")

    def best(self, selectors: Iterable[str], rule: Rule) -> int:
        return max((self.specificity(s, rule) for s in selectors), default=0)

    def is_selected(self, rule: Rule, select: Optional[Sequence[str]],
                    extend_select: Sequence[str], ignore: Sequence[str]) -> bool:
        """ruff's rule: the most specific matching selector decides, and ignore wins ties."""
        if select is None:
            chosen = 1 if rule.default_enabled else 0
        else:
            chosen = self.best(select, rule)
        chosen = max(chosen, self.best(extend_select, rule))
        return chosen > 0 and chosen > self.best(ignore, rule)

    def select(self, select: Optional[Sequence[str]], extend_select: Sequence[str],
               ignore: Sequence[str]) -> list[Rule]:
        return [r for r in self if self.is_selected(r, select, extend_select, ignore)]
