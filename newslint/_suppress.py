"""Inline suppressions, in HTML comments so they stay invisible in rendered Markdown.

    <!-- newslint: ignore[NL201] -->          this line, or the next one when the comment stands alone
    <!-- newslint: disable[NL1, NL3] -->      from here ...
    <!-- newslint: enable[NL1, NL3] -->       ... to here (or the end of the article)
    <!-- newslint: file-ignore[NL4] -->       the whole article

Codes are required: a bare ``ignore`` would hide findings nobody meant to hide.
Selectors are codes, prefixes, rule names or ALL, as on the command line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ._model import Article, Finding, Line

DIRECTIVE_RE = re.compile(
    r"<!--\s*newslint:\s*(?P<kind>ignore|disable|enable|file-ignore)\s*"
    r"\[(?P<codes>[^\]\n]*)\][^\n]*?-->")
#: Cheap pre-check so articles without any directive cost one substring search.
MARKER = "newslint:"


def matches(selector: str, finding: Finding) -> bool:
    return (selector == "ALL" or selector == finding.code or selector == finding.name
            or finding.code.startswith(selector))


@dataclass
class Directive:
    """One parsed comment and whether it suppressed anything."""

    kind: str
    selectors: tuple[str, ...]
    line: int  # where the comment is, as findings count lines
    column: int
    end_column: int
    first: int = 0  # the lines it covers, inclusive
    last: int = 0
    used: bool = False


@dataclass
class Suppressions:
    """The directives of one article, and the article-wide ignores its reader supplied."""

    directives: list[Directive] = field(default_factory=list)
    extra: tuple[str, ...] = ()

    def suppresses(self, finding: Finding) -> bool:
        if any(matches(s, finding) for s in self.extra):
            return True
        hit = False
        for directive in self.directives:
            if directive.kind == "enable":
                continue
            if directive.first <= finding.line <= directive.last and any(
                    matches(s, finding) for s in directive.selectors):
                directive.used = True
                hit = True
        return hit

    def unused(self) -> Iterable[Directive]:
        return (d for d in self.directives if not d.used and d.kind != "enable")


def parse(article: Article, extra: Iterable[str] = ()) -> Optional[Suppressions]:
    """The suppressions of ``article``, or None when it has none (the common case)."""
    extra = tuple(extra)
    text = article.text
    if MARKER not in text:
        return Suppressions(extra=extra) if extra else None
    lines = article.lines
    directives: list[Directive] = []
    last_line = article.position(len(text))[0]
    for match in DIRECTIVE_RE.finditer(text):
        selectors = tuple(s.strip() for s in match["codes"].split(",") if s.strip())
        if not selectors:
            continue
        line, column = article.position(match.start())
        _, end_column = article.position(match.end())
        d = Directive(match["kind"], selectors, line, column, end_column)
        if d.kind == "ignore":
            d.first = d.last = line
            own = _line_of(article, match.start())
            if own.text.strip() == match.group(0).strip():
                # A comment alone on its line covers the next line that has text.
                following = [ln for ln in lines[own.number:] if ln.text.strip()]
                if following:
                    d.last = article.position(following[0].start)[0]
        elif d.kind == "file-ignore":
            d.first, d.last = 1, last_line
        else:
            d.first, d.last = line, last_line
        directives.append(d)
    # An enable closes the open disables whose selectors it names.
    for index, enable in enumerate(directives):
        if enable.kind != "enable":
            continue
        for earlier in directives[:index]:
            if earlier.kind == "disable" and earlier.last >= enable.line and \
                    set(earlier.selectors) & set(enable.selectors):
                earlier.last = enable.line
    return Suppressions(directives, extra)


def _line_of(article: Article, offset: int) -> Line:
    return article.lines[bisect.bisect_right(article.line_starts, offset) - 1]
