"""Declarative residue rule packs: loading, validation and one combined matcher.

A pack is TOML: an optional ``[pack]`` table (name, description) and a list of
``[[rules]]`` entries. The built-in packs in ``data/residue/`` use exactly the
format users write in their own files or under ``[[tool.newslint.residue.rules]]``.

Each entry::

    name    = "advertisement-marker"     # kebab-case, unique across all packs
    code    = "NL101"                    # NL101 for whole lines, NL102 inline, NL104 credits
    message = "advertising marker"
    kind    = "phrase"                   # or "regex"
    phrases = ["advertisement", ...]     # kind = "phrase"
    pattern = '...'                      # kind = "regex" (or patterns = [...])
    scope   = "line"                     # "line", "line-end" or "inline"
    fix     = "delete-line"              # "delete-line" (line scopes), "delete" (inline, unsafe) or "none"
    list-heading = true                  # optional: the lines after it are a link list
    position = "edge"                    # optional: only before the body's first paragraph or after its last
    examples = ["Advertisement"]         # optional: lines the entry must match (tested)

Whole-line entries compare the line's *clean* form: trimmed, whitespace
collapsed, curly quotes straightened, leading bullets and trailing decoration
(``: . ! | » › > → …``) removed. Phrases compare case-folded; regexes must
match the whole clean line, case-insensitively unless they say otherwise.
``line-end`` regexes must match at the end of the line (a trailing credit makes
the whole line a caption). Inline phrases match with their case as written, at
a sentence boundary; inline regexes are searched as written.

Built-in regexes are joined into one alternation per scope, so a line costs a
dictionary lookup and one match. User regexes are compiled on their own (they
may use any construct of the ``regex`` module) and run under a timeout.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9 and 3.10
    import tomli as tomllib

DATA_DIR = Path(__file__).parent / "data" / "residue"

SCOPES = ("line", "line-end", "inline")
KINDS = ("phrase", "regex")
FIXES = ("delete-line", "delete", "none")
LINE_SCOPES = ("line", "line-end")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
ENTRY_KEYS = {"name", "code", "message", "kind", "phrases", "pattern", "patterns", "scope", "fix",
              "list-heading", "position", "examples", "description"}
POSITIONS = ("any", "edge")
#: Lines longer than this are never whole-line residue (the catalogue's longest notices fit).
MAX_LINE = 700
#: ``line-end`` patterns look at this many trailing characters only.
TAIL_WINDOW = 200

# -- clean form of a line --------------------------------------------------------

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "\u201c": '"',
                         "\u201d": '"', "\u201e": '"', "\u00a0": " ", "\u2009": " ", "\u202f": " ",
                         "\u200b": "", "\ufeff": "", "\u2013": "-", "\u2014": "-"})
_SPACES = re.compile(r"\s+")
_LEAD = " \t•·*▪►▶■□●○◆◇>»›|-"
_TRAIL = " \t:.!|»›>→…-"


def clean(text: str) -> str:
    """The form whole-line entries match: see the module docstring."""
    text = text.translate(_QUOTES)
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    text = text.strip()
    # A line made only of decoration ("| | |", "»") keeps it: there is nothing else to match.
    return text.lstrip(_LEAD).rstrip(_TRAIL) or text


def phrase_key(text: str) -> str:
    """How phrases are compared: the clean form, case-folded."""
    return clean(text).casefold()


# -- entries and packs -------------------------------------------------------------

class PackError(ValueError):
    """A pack or entry that cannot be used; the message names the pack and entry."""


@dataclass
class Entry:
    """One declarative rule of a pack."""

    name: str
    code: str
    message: str
    kind: str
    scope: str
    fix: str
    pack: str
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    list_heading: bool = False
    position: str = "any"
    examples: tuple[str, ...] = ()
    builtin: bool = True

    @property
    def where(self) -> str:
        return f"pack {self.pack!r}, rule {self.name!r}"


@dataclass
class Pack:
    name: str
    description: str
    entries: list[Entry]
    path: Optional[str] = None
    builtin: bool = True


def _fail(where: str, message: str) -> PackError:
    return PackError(f"{where}: {message}")


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, f"{key} must be a string or a list of strings")
    return tuple(value)


def parse_entry(raw: Any, pack: str, builtin: bool, index: int) -> Entry:
    """Validate one ``[[rules]]`` table."""
    where = f"pack {pack!r}, rule #{index + 1}"
    if not isinstance(raw, dict):
        raise _fail(where, "each rule must be a table")
    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise _fail(where, f"name {name!r} must be kebab-case (e.g. \"house-promo\")")
    where = f"pack {pack!r}, rule {name!r}"
    unknown = sorted(set(raw) - ENTRY_KEYS)
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(ENTRY_KEYS))}")
    scope = raw.get("scope", "line")
    if scope not in SCOPES:
        raise _fail(where, f"scope must be one of {', '.join(SCOPES)}")
    kind = raw.get("kind", "regex" if ("pattern" in raw or "patterns" in raw) else "phrase")
    if kind not in KINDS:
        raise _fail(where, f"kind must be one of {', '.join(KINDS)}")
    code = raw.get("code", "NL102" if scope == "inline" else "NL101")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise _fail(where, f"code {code!r} must be 2-4 capitals and 3 digits")
    fix = raw.get("fix", "delete" if scope == "inline" else "delete-line")
    if fix not in FIXES:
        raise _fail(where, f"fix must be one of {', '.join(FIXES)}")
    if fix == "delete-line" and scope == "inline" or fix == "delete" and scope != "inline":
        raise _fail(where, f"fix {fix!r} does not fit scope {scope!r}")
    message = raw.get("message", name.replace("-", " "))
    if not isinstance(message, str) or not message:
        raise _fail(where, "message must be a non-empty string")
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    if kind == "phrase":
        phrases = _strings(raw.get("phrases", ()), where, "phrases")
        if not phrases or not all(p.strip() for p in phrases):
            raise _fail(where, "a phrase rule needs a non-empty list of non-empty phrases")
        if scope == "line-end":
            raise _fail(where, "scope line-end needs kind = \"regex\"")
    else:
        patterns = _strings(raw.get("patterns", raw.get("pattern", ())), where, "pattern")
        if not patterns:
            raise _fail(where, "a regex rule needs pattern = '...' (or patterns = [...])")
    list_heading = raw.get("list-heading", False)
    if not isinstance(list_heading, bool):
        raise _fail(where, "list-heading must be true or false")
    position = raw.get("position", "any")
    if position not in POSITIONS:
        raise _fail(where, f"position must be one of {', '.join(POSITIONS)}")
    examples = _strings(raw.get("examples", ()), where, "examples")
    return Entry(name, code, message, kind, scope, fix, pack, phrases, patterns, list_heading,
                 position, examples, builtin)


def parse_pack(data: dict[str, Any], default_name: str, builtin: bool, path: Optional[str] = None) -> Pack:
    meta = data.get("pack", {})
    if not isinstance(meta, dict):
        raise PackError(f"{path or default_name}: [pack] must be a table")
    name = meta.get("name", default_name)
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise PackError(f"{path or default_name}: pack name {name!r} must be kebab-case")
    unknown = sorted(set(data) - {"pack", "rules"})
    if unknown:
        raise PackError(f"{path or name}: unknown top-level key(s) {', '.join(unknown)}; "
                        "a pack has [pack] and [[rules]]")
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise PackError(f"{path or name}: rules must be an array of tables ([[rules]])")
    entries = [parse_entry(raw, name, builtin, i) for i, raw in enumerate(rules)]
    return Pack(name, str(meta.get("description", "")), entries, path, builtin)


def load_pack_file(path: Path, builtin: bool = False) -> Pack:
    try:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
    except OSError as error:
        raise PackError(f"{path}: cannot read residue pack: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PackError(f"{path}: malformed TOML: {error}") from None
    return parse_pack(data, path.stem.replace("_", "-"), builtin, str(path))


@functools.lru_cache(maxsize=1)
def builtin_packs() -> tuple[Pack, ...]:
    """The packs shipped in ``data/residue/``, loaded once, on first use."""
    return tuple(load_pack_file(p, builtin=True) for p in sorted(DATA_DIR.glob("*.toml")))


# -- compiled matchers ---------------------------------------------------------------

def _regex_module():
    import regex  # imported lazily: start-up time matters
    return regex


def compile_user_pattern(pattern: str, entry: Entry, flags: int):
    """Compile a user pattern with the ``regex`` module, or raise PackError naming it."""
    regex = _regex_module()
    try:
        return regex.compile(pattern, flags)
    except regex.error as error:
        raise _fail(entry.where, f"invalid regular expression {pattern!r}: {error}") from None


#: Texts on which a catastrophic (exponential) pattern shows itself at configure time.
_PROBES = ("a" * 64 + "!", "x " * 64 + "!", "Aa1 -" * 40 + "\u2019", "1" * 64 + "a", "." * 64 + "x")


def probe(compiled, entry: Entry, timeout: float) -> None:
    """Raise PackError when ``compiled`` backtracks catastrophically on a simple probe text."""
    for text in _PROBES:
        try:
            compiled.search(text, timeout=timeout)
        except TimeoutError:
            raise _fail(entry.where, f"pattern {compiled.pattern!r} takes longer than {timeout:g} s on "
                        f"a {len(text)}-character probe ({text[:12]!r}...): it backtracks "
                        "catastrophically (nested or overlapping quantifiers?); rewrite it") from None


class MatchTimeout(RuntimeError):
    """A user pattern ran past its timeout on a line; raised after the article is checked."""


@dataclass
class Hit:
    """An entry that matched a line, and where (offsets within the line's text)."""

    entry: Entry
    start: int
    end: int


class Catalogue:
    """Every active entry, compiled into as few matchers as possible."""

    def __init__(self, entries: Sequence[Entry], allow: Iterable[str] = (), allow_patterns: Sequence[str] = (),
                 timeout: float = 0.1) -> None:
        regex = _regex_module()
        self.entries = list(entries)
        self.timeout = timeout
        self.allow = {phrase_key(a) for a in allow}
        self.allow_patterns = [regex.compile(p, regex.IGNORECASE) for p in allow_patterns]
        self.by_name = {e.name: e for e in self.entries}
        self.phrases: dict[str, Entry] = {}
        line_parts: list[str] = []
        end_parts: list[str] = []
        inline_parts: list[str] = []
        self.groups: dict[str, Entry] = {}
        self.user_line: list[tuple[Any, Entry]] = []
        self.user_end: list[tuple[Any, Entry]] = []
        self.user_inline: list[tuple[Any, Entry]] = []
        self.disabled: set[str] = set()
        self.timeouts: list[str] = []
        for entry in self.entries:
            if entry.kind == "phrase":
                if entry.scope == "line":
                    for phrase in entry.phrases:
                        self.phrases.setdefault(phrase_key(phrase), entry)
                else:
                    inline_parts.append(self._group(entry, _inline_phrase_pattern(entry.phrases)))
                continue
            if not entry.builtin:
                flags = regex.IGNORECASE if entry.scope != "inline" else 0
                target = {"line": self.user_line, "line-end": self.user_end, "inline": self.user_inline}[entry.scope]
                for pattern in entry.patterns:
                    target.append((compile_user_pattern(pattern, entry, flags), entry))
                continue
            body = "|".join(f"(?:{p})" for p in entry.patterns)
            if entry.scope == "line":
                line_parts.append(self._group(entry, body))
            elif entry.scope == "line-end":
                end_parts.append(self._group(entry, body))
            else:
                inline_parts.append(self._group(entry, body))
        # One alternation per scope: a line is matched once, whatever the catalogue's size.
        self.line_re = regex.compile("|".join(line_parts), regex.IGNORECASE | regex.V0) if line_parts else None
        self.end_re = (regex.compile(f"(?:{'|'.join(end_parts)})\\Z", regex.IGNORECASE | regex.V0)
                       if end_parts else None)
        self.inline_re = regex.compile("|".join(inline_parts), regex.V0) if inline_parts else None
        self.list_headings = {e.name for e in self.entries if e.list_heading}

    def _group(self, entry: Entry, body: str) -> str:
        group = f"e{len(self.groups)}"
        self.groups[group] = entry
        return f"(?P<{group}>{body})"

    # -- matching ---------------------------------------------------------------

    def allowed(self, text: str) -> bool:
        if not self.allow and not self.allow_patterns:
            return False
        if phrase_key(text) in self.allow:
            return True
        c = clean(text)
        return any(p.fullmatch(c) for p in self.allow_patterns)

    def match_line(self, text: str) -> Optional[Entry]:
        """The entry that makes ``text`` a whole residue line, or None."""
        if len(text) > MAX_LINE:
            return self.match_end(text)
        c = clean(text)
        if not c:
            return None
        entry = self.phrases.get(c.casefold())
        if entry is not None:
            return entry
        if self.line_re is not None:
            m = self.line_re.fullmatch(c)
            if m is not None:
                return self.groups[m.lastgroup]
        for compiled, entry in self.user_line:
            if entry.name not in self.disabled and self._run(compiled.fullmatch, c, entry):
                return entry
        return self.match_end(text)

    def match_end(self, text: str) -> Optional[Entry]:
        tail = text[-TAIL_WINDOW:].translate(_QUOTES).rstrip()
        if self.end_re is not None:
            m = self.end_re.search(tail)
            if m is not None:
                return self.groups[m.lastgroup]
        for compiled, entry in self.user_end:
            if entry.name not in self.disabled:
                m = self._run(compiled.search, tail, entry)
                if m is not None and m.end() == len(tail):
                    return entry
        return None

    def match_inline(self, text: str) -> Iterator[Hit]:
        """Residue glued inside ``text`` (a line)."""
        if self.inline_re is not None:
            for m in self.inline_re.finditer(text):
                yield Hit(self.groups[m.lastgroup], m.start(), m.end())
        for compiled, entry in self.user_inline:
            if entry.name in self.disabled:
                continue
            try:
                matches = list(compiled.finditer(text, timeout=self.timeout))
            except TimeoutError:
                self._timed_out(compiled, entry, text)
                continue
            for m in matches:
                if m.end() > m.start():
                    yield Hit(entry, m.start(), m.end())

    def _run(self, method, text: str, entry: Entry):
        try:
            return method(text, timeout=self.timeout)
        except TimeoutError:
            self._timed_out(method.__self__, entry, text)
            return None

    def _timed_out(self, compiled, entry: Entry, text: str) -> None:
        # Stop using the pattern for the rest of the run: one slow line must not become thousands.
        self.disabled.add(entry.name)
        self.timeouts.append(f"residue rule {entry.name!r} (pack {entry.pack!r}): pattern "
                             f"{compiled.pattern!r} timed out after {self.timeout:g} s on a "
                             f"{len(text)}-character line and is disabled for the rest of the run; "
                             "it backtracks catastrophically: rewrite it")

    def take_timeouts(self) -> list[str]:
        messages, self.timeouts = self.timeouts, []
        return messages


def _inline_phrase_pattern(phrases: Sequence[str]) -> str:
    """Inline phrases match as written, at a sentence boundary, followed by a new sentence or the end."""
    words = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return (r"(?:^|(?<=[.!?\"\u201d\u2019)] ))(?:" + words + r")(?=$| [A-Z\u201c\"\u2018'(])")
