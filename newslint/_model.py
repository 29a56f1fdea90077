"""Value objects shared by the core, the rules and the reporters.

Nothing here does I/O or knows about pluggy: rules receive an :class:`Article`,
return :class:`Finding` objects, and the engine moves them to a reporter.
Positions inside ``Article.text`` are plain string offsets; :meth:`Article.position`
turns them into the 1-based line and column a user sees.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Optional


class Applicability(str, enum.Enum):
    """How safe a fix is, with ruff's three levels."""

    #: Applied by ``--fix``: it changes only the finding's own text.
    SAFE = "safe"
    #: Applied only with ``--unsafe-fixes``: it may change meaning.
    UNSAFE = "unsafe"
    #: Shown to the user, never applied.
    DISPLAY_ONLY = "display-only"


class Severity(str, enum.Enum):
    """How serious a finding is; reporters map it to their own levels."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Edit:
    """Replace ``article.text[start:end]`` with ``content`` (an insertion when start == end)."""

    start: int
    end: int
    content: str = ""
    #: File positions of start and end, filled in by :meth:`Article.resolve_fix`.
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "content": self.content}


@dataclass(frozen=True)
class Fix:
    """A set of non-overlapping edits applied together, with its applicability."""

    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    message: str = ""

    @classmethod
    def safe(cls, *edits: Edit, message: str = "") -> "Fix":
        """A fix that ``--fix`` applies."""
        return cls(tuple(edits), Applicability.SAFE, message)

    @classmethod
    def unsafe(cls, *edits: Edit, message: str = "") -> "Fix":
        """A fix applied only with ``--unsafe-fixes``."""
        return cls(tuple(edits), Applicability.UNSAFE, message)


@dataclass(frozen=True)
class Location:
    """A place in another article, e.g. the other copy of a duplicate story."""

    path: str
    line: int = 1
    column: int = 1
    record: Optional[int] = None
    article_id: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column,
                "record": self.record, "article_id": self.article_id}


@dataclass(frozen=True)
class Finding:
    """One problem found by one rule, positioned in the file the user gave.

    ``line``/``column`` are 1-based and the end is exclusive. For JSONL records
    they are positions in the record's text and ``record`` is the record's line.
    ``start``/``end`` are the offsets in ``Article.text`` the finding was made
    from (``None`` for corpus findings built without the text); the core uses
    them for fixes and suppressions.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    severity: str = "warning"
    fix: Optional[Fix] = None
    related: tuple[Location, ...] = ()
    record: Optional[int] = None
    article_id: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None

    @property
    def sort_key(self) -> tuple:
        return (self.record or 0, self.line, self.column, self.code, self.end_line, self.end_column)


@dataclass(frozen=True)
class Line:
    """One line of an article's text, without its line break (``\\r`` stripped too)."""

    number: int  # 1-based, within the article's text
    start: int  # offset of the line's first character in Article.text
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class ArticleRef:
    """What identifies an article without its text: small and picklable, for corpus rules."""

    path: str
    record: Optional[int] = None
    article_id: Optional[str] = None
    first_line: int = 1
    meta: Mapping[str, Any] = field(default_factory=dict)

    def location(self, line: int = 1, column: int = 1) -> Location:
        """A :class:`Location` in this article, ``line`` counted in its text."""
        file_line = line + self.first_line - 1 if self.record is None else line
        return Location(self.path, file_line, column, self.record, self.article_id)


class Article:
    """One article as the rules see it.

    ``text`` is the body (a Markdown file without its front matter, or a JSONL
    record's text field), with its line breaks exactly as stored. ``first_line``
    is the file line on which ``text`` starts, so findings point into the file.
    ``metrics`` collects per-article measurements any rule may add.
    """

    __slots__ = ("path", "text", "meta", "first_line", "record", "article_id",
                 "text_offset", "ignores", "writer", "metrics", "_line_starts", "_lines")

    def __init__(self, path: str, text: str, *, meta: Optional[Mapping[str, Any]] = None,
                 first_line: int = 1, record: Optional[int] = None,
                 article_id: Optional[str] = None, text_offset: int = 0,
                 ignores: tuple[str, ...] = (), writer: Optional[str] = None) -> None:
        self.path = path
        self.text = text
        self.meta: Mapping[str, Any] = meta or {}
        self.first_line = first_line
        self.record = record
        self.article_id = article_id
        #: Where ``text`` starts in the decoded file (front matter before it); used to write fixes back.
        self.text_offset = text_offset
        #: Selectors ignored for the whole article, from front matter or a JSONL field.
        self.ignores = ignores
        #: How ``--fix`` writes a fixed text back: "text" (the file is front matter + text),
        #: "jsonl" (the text field of record ``record``), or None (not at all).
        self.writer = writer
        self.metrics: dict[str, float] = {}
        self._line_starts: Optional[list[int]] = None
        self._lines: Optional[list[Line]] = None

    def __repr__(self) -> str:
        where = f"{self.path}:{self.record}" if self.record else self.path
        return f"<Article {where} {len(self.text)} chars>"

    @property
    def ref(self) -> ArticleRef:
        """This article's :class:`ArticleRef`; corpus rules keep one per article, so only short scalar metadata goes in."""
        meta = {k: v for k, v in self.meta.items()
                if isinstance(v, (int, float, bool)) or (isinstance(v, str) and len(v) <= 200)}
        return ArticleRef(self.path, self.record, self.article_id, self.first_line, meta)

    def with_text(self, text: str) -> "Article":
        """The same article with other text (used to re-check after a fix)."""
        return Article(self.path, text, meta=self.meta, first_line=self.first_line,
                       record=self.record, article_id=self.article_id, text_offset=self.text_offset,
                       ignores=self.ignores, writer=self.writer)

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i != -1:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        return self._line_starts

    @property
    def lines(self) -> list[Line]:
        """The text's lines; a final line break does not start an empty last line."""
        if self._lines is None:
            text, starts = self.text, self.line_starts
            ends = [s - 1 for s in starts[1:]] + [len(text)]
            lines = []
            for number, (s, e) in enumerate(zip(starts, ends), 1):
                if s == len(text) and number > 1:
                    break
                if e > s and text[e - 1] == "\r":
                    e -= 1
                lines.append(Line(number, s, text[s:e]))
            self._lines = lines
        return self._lines

    def position(self, offset: int) -> tuple[int, int]:
        """Map an offset in ``text`` to a 1-based (line, column) in the file."""
        starts = self.line_starts
        index = bisect.bisect_right(starts, offset) - 1
        line = index + 1
        if self.record is None:
            line += self.first_line - 1
        return line, offset - starts[index] + 1

    def resolve_fix(self, fix: Optional[Fix]) -> Optional[Fix]:
        """The fix with each edit's file positions filled in."""
        if fix is None:
            return None
        edits = []
        for edit in fix.edits:
            line, column = self.position(edit.start)
            end_line, end_column = self.position(edit.end)
            edits.append(replace(edit, line=line, column=column, end_line=end_line, end_column=end_column))
        return replace(fix, edits=tuple(edits))

    def add_metric(self, name: str, value: float) -> None:
        """Record a measurement of this article (reported with ``--metrics`` and ``--statistics``)."""
        self.metrics[name] = value


@dataclass(frozen=True)
class ReadError:
    """A file or record that could not be read; reported as NL001 and the run goes on."""

    path: str
    message: str
    line: int = 1
    column: int = 1
    record: Optional[int] = None


@dataclass
class RunSummary:
    """Counts of one run, handed to reporters and to ``newslint_run_finished``."""

    files: int = 0
    articles: int = 0
    findings: int = 0
    fixed: int = 0
    fixable: int = 0
    errors: int = 0  # NL002 plugin errors: they make the exit code 2
    by_code: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    bytes: int = 0
