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
    scope   = "line"                     # "line", "line-contains", "line-end" or "inline"
    fix     = "delete-line"              # "delete-line" (line scopes), "delete" (inline, unsafe) or "none"
    list-heading = true                  # optional: the lines after it are a link list
    position = "edge"                    # optional: only before the body's first paragraph or after its last
    triggers = ["(", "credit"]           # optional pre-check: for scope line, the line must contain one of
                                         # these; for line-end, the match starts where one last occurs
    max-words = 8                        # optional, line-end: only lines of at most this many words
    examples = ["Advertisement"]         # optional: lines the entry must match (tested)

Whole-line entries compare the line's *clean* form: trimmed, whitespace
collapsed, curly quotes straightened, leading bullets and trailing decoration
(``: . ! | » › > → …``) removed. Phrases compare case-folded; regexes must
match the whole clean line, case-insensitively unless they say otherwise.
``line-contains`` phrases make a line (of at most MAX_LINE characters) residue
wherever they occur in it: for notices whose wording never occurs in
reporting ("all rights reserved"). ``line-end`` regexes must match at the end
of the line (a trailing credit makes the whole line a caption). Inline phrases match with their case as written, at
a sentence boundary; inline regexes are searched as written.

Built-in regexes are joined into one alternation per scope, so a line costs a
dictionary lookup and one match. User regexes are compiled on their own (they
may use any construct of the ``regex`` module) and run under a timeout.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9 and 3.10
    import tomli as tomllib

DATA_DIR = Path(__file__).parent / "data" / "residue"
#: The built-in alternatives' first keys, precomputed by scripts/build_residue_keys.py.
KEYS_FILE = DATA_DIR / "keys.json"

SCOPES = ("line", "line-contains", "line-end", "inline")
KINDS = ("phrase", "regex")
FIXES = ("delete-line", "delete", "none")
LINE_SCOPES = ("line", "line-contains", "line-end")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
ENTRY_KEYS = {"name", "code", "message", "kind", "phrases", "pattern", "patterns", "scope", "fix",
              "list-heading", "position", "triggers", "max-words", "examples", "description"}
POSITIONS = ("any", "edge")
#: Lines longer than this are never whole-line residue (the catalogue's longest notices fit).
MAX_LINE = 700
#: ``line-end`` patterns look at this many trailing characters only.
TAIL_WINDOW = 120

# -- clean form of a line --------------------------------------------------------

_QUOTES = (("\u00c2\u00a0", " "), ("\u00c2 ", " "), ("\u2018", "'"), ("\u2019", "'"), ("\u201b", "'"), ("\u2032", "'"), ("\u201c", '"'),
           ("\u201d", '"'), ("\u201e", '"'), ("\u00a0", " "), ("\u2009", " "), ("\u202f", " "),
           ("\u200b", ""), ("\ufeff", ""), ("\u2013", "-"), ("\u2014", "-"))
_DIGITS = str.maketrans("123456789", "000000000")
_HAS_DIGIT = re.compile(r"\d").search
#: A line ending like a sentence is never tried against line-end (credit) patterns.
SENTENCE_END = frozenset(".?!\"'")
_SENTENCE_END_RAW = frozenset(".?!\"'\u2019\u201d") | {""}
_LEAD = " \t•·*▪►▶■□●○◆◇>»›|-"
_TRAIL = " \t:.!|»›>→…-"
#: Every character ``str.isspace()`` accepts: what ``str.split()``, ``str.strip()`` and ``\s`` agree on
#: (tests/test_residue.py checks the list against the Unicode database).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def normalise(text: str) -> str:
    """Curly quotes straight, dashes to hyphens, odd spaces to spaces (a few C-level replaces)."""
    if text.isascii():
        return text
    for old, new in _QUOTES:
        if old in text:
            text = text.replace(old, new)
    return text


def clean(text: str) -> str:
    """The form whole-line entries match: see the module docstring."""
    return clean_normalised(normalise(text) if not text.isascii() else text)


def clean_normalised(text: str) -> str:
    """``clean`` of a line that is already ``normalise``d (normalising twice is not always a no-op)."""
    if "  " in text or "\t" in text:
        text = " ".join(text.split())  # whitespace runs to one space, then trimmed: ``\s+`` -> " ", strip()
    else:
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
    triggers: tuple[str, ...] = ()
    max_words: int = 0
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
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
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
    elif scope == "line-contains":
        raise _fail(where, "scope line-contains needs kind = \"phrase\"")
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
    triggers = tuple(t.lower() for t in _strings(raw.get("triggers", ()), where, "triggers"))
    if triggers and (scope not in ("line", "line-end") or kind != "regex"):
        raise _fail(where, "triggers only apply to regex rules with scope \"line\" or \"line-end\"")
    max_words = raw.get("max-words", 0)
    if not isinstance(max_words, int) or isinstance(max_words, bool) or max_words < 0:
        raise _fail(where, "max-words must be a positive whole number")
    if max_words and scope != "line-end":
        raise _fail(where, "max-words only applies to scope = \"line-end\"")
    examples = _strings(raw.get("examples", ()), where, "examples")
    return Entry(name, code, message, kind, scope, fix, pack, phrases, patterns, list_heading,
                 position, triggers, max_words, examples, builtin)


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
    import regex  # imported lazily: start-up time matters, and built-in packs need only ``re``
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


@dataclass
class Scan:
    """Per-article pre-checks (see ``Catalogue.scan``): the anchors and triggers the article holds."""

    anchors: list
    gated: list
    low: str = ""


class MatchTimeout(RuntimeError):
    """A user pattern ran past its timeout on a line; raised after the article is checked."""


@dataclass
class Hit:
    """An entry that matched a line, and where (offsets within the line's text)."""

    entry: Entry
    start: int
    end: int


class Catalogue:
    """Every active entry, compiled into as few matchers as possible.

    Built-in whole-line regexes are split into their top-level alternatives and
    grouped by the characters a match can start with; a line is matched against
    the one combined pattern for its first character (a few dozen alternatives,
    not the whole catalogue). Patterns compile on first use, with ``re``: the
    built-in packs use only syntax both engines share. User patterns run with
    the ``regex`` module and a timeout.
    """

    def __init__(self, entries: Sequence[Entry], allow: Iterable[str] = (), allow_patterns: Sequence[str] = (),
                 timeout: float = 0.1) -> None:
        self.entries = list(entries)
        self.timeout = timeout
        self.allow = {phrase_key(a) for a in allow}
        self.allow_patterns = []
        if allow_patterns:
            regex = _regex_module()
            self.allow_patterns = [regex.compile(p, regex.IGNORECASE) for p in allow_patterns]
        self.by_name = {e.name: e for e in self.entries}
        self.phrases: dict[str, Entry] = {}
        self.inline_phrases: list[str] = []
        contains: list[tuple[str, Entry]] = []
        gated: list[tuple[str, Entry]] = []
        self.user_line: list[tuple[Any, Entry]] = []
        self.user_end: list[tuple[Any, Entry]] = []
        self.user_inline: list[tuple[Any, Entry]] = []
        self.disabled: set[str] = set()
        self.timeouts: list[str] = []
        #: The built-in packs and nothing else (set by the residue plugin): its whole-line verdicts
        #: are ``is_residue_line``'s, which the duplicate rules may then reuse.
        self.builtin_only = False
        self._line_alts: list[tuple[str, Entry]] = []
        end_parts: list[tuple[str, Entry]] = []
        inline_parts: list[tuple[str, Entry]] = []
        for entry in self.entries:
            if entry.kind == "phrase":
                if entry.scope == "line":
                    for phrase in entry.phrases:
                        self.phrases.setdefault(phrase_key(phrase), entry)
                elif entry.scope == "line-contains":
                    contains.extend((clean(p).lower(), entry) for p in entry.phrases)
                else:
                    self.inline_phrases.extend(entry.phrases)
                    inline_parts.append((_inline_phrase_pattern(entry.phrases), entry))
                continue
            if not entry.builtin:
                target = {"line": self.user_line, "line-end": self.user_end, "inline": self.user_inline}[entry.scope]
                flags = 0 if entry.scope == "inline" else _regex_module().IGNORECASE
                for pattern in entry.patterns:
                    target.append((compile_user_pattern(pattern, entry, flags), entry))
                continue
            for pattern in entry.patterns:
                if entry.scope == "line" and entry.triggers:
                    gated.append((pattern, entry))
                elif entry.scope == "line":
                    self._line_alts.extend((alt, entry) for alt in split_alternatives(pattern))
                elif entry.scope == "line-end":
                    end_parts.append((pattern, entry))
                else:
                    inline_parts.append((pattern, entry))
        self.max_phrase = max((len(k) for k in self.phrases), default=0)
        self._index: Optional[_KeyIndex] = None
        self._compiled: list = []
        self._by_key: dict[str, tuple] = {}
        self._contains = _Contains(contains) if contains else None
        # Whole-line patterns that start anywhere run only on lines holding one of their triggers.
        # Triggers are searched in the lower-cased text; starting them with a rare character
        # ("/afp", "| ") lets the engine skip ahead, so the pre-check costs next to nothing.
        self._gated = [(_Triggers(entry.triggers), _Combined([(pattern, entry)], "{}", re.IGNORECASE))
                       for pattern, entry in gated]
        # Lower-cased, the shortest phrases every inline phrase contains: "advertisement" covers its forms.
        phrases = sorted({p.lower() for p in self.inline_phrases}, key=len)
        self._inline_hints = [p for i, p in enumerate(phrases) if not any(q in p for q in phrases[:i])]
        # A line-end pattern with triggers is tried only where one of them last occurs in the line's end.
        triggered: dict[str, list] = {t: [] for _, e in end_parts for t in e.triggers}
        for pattern, entry in end_parts:
            for t in entry.triggers:
                triggered[t].append((pattern, entry))
        self._end_triggered = {t: _Combined(parts, "(?:{})\\Z", re.IGNORECASE) for t, parts in triggered.items()}
        self._end_nested = [t for t in triggered if any(t != u and t in u for u in triggered)]
        self._end_trigger_re = (re.compile("|".join(re.escape(t) for t in sorted(triggered, key=len, reverse=True)))
                                if triggered else None)
        untriggered = [(p, e) for p, e in end_parts if not e.triggers]
        self._end = _Combined(untriggered, "(?:{})\\Z", re.IGNORECASE) if untriggered else None
        self._inline = _Combined(inline_parts, "{}", 0) if inline_parts else None
        self.list_headings = {e.name for e in self.entries if e.list_heading}
        self._gate: Optional[_LineGate] = None

    # -- matching ---------------------------------------------------------------

    def allowed(self, text: str) -> bool:
        if not self.allow and not self.allow_patterns:
            return False
        if phrase_key(text) in self.allow:
            return True
        c = clean(text)
        return any(p.fullmatch(c) for p in self.allow_patterns)

    def scan(self, text: str) -> "Scan":
        """What a whole article can hold, found with a few substring searches, so most lines skip most checks."""
        low = text.lower()
        # Searched as ``match_line`` sees each line: normalised (zero-width characters gone, odd
        # spaces made spaces) with whitespace runs collapsed, so "/  AP" or "re\u200bserved" in the
        # text still lets its line be tested: the scan only ever skips what cannot match.
        probe = low
        if not text.isascii():
            probe = " ".join(normalise(text).lower().split())
        elif "  " in text or "\t" in text:
            probe = " ".join(low.split())
        anchors = []
        if self._contains is not None:
            for anchor in self._contains.anchors:
                if anchor in probe:
                    anchors.append(anchor)
        gated = [(triggers, combined) for triggers, combined in self._gated if triggers.search(probe)]
        return Scan(anchors, gated, low)

    def line_flags(self, lines: Sequence[str]) -> list[bool]:
        """``match_line(line) is not None`` for each line of one article, worked out for the article at once.

        Most lines are settled by a few searches over the whole article (see ``_LineGate``); the rest
        get ``match_line`` itself, or the part of it that can still match.
        """
        gate = self._gate
        if gate is None:
            gate = self._gate = _LineGate(self)
        return gate.flags(lines)

    def match_line(self, text: str, c: Optional[str] = None, scan: Optional["Scan"] = None) -> Optional[Entry]:
        """The entry that makes ``text`` a whole residue line, or None.

        ``c`` is the line's clean form and ``scan`` the article's ``scan()``, when the caller has them.
        """
        if len(text) > MAX_LINE:
            return self.match_end(text)
        if c is None:
            c = clean(text)
        if not c:
            return None
        if len(c) <= self.max_phrase:
            entry = self.phrases.get(c.casefold())
            if entry is not None:
                return entry
        if self._line_alts:
            raw = c[:KEY_LENGTH].lower()
            chosen = self._by_key.get(raw)  # cached by the raw key: no digit mapping on a hit
            if chosen is None:
                chosen = self._choose(raw)
            if chosen:
                for i in chosen:
                    if self._alternative(i).fullmatch(c) is not None:
                        return self._line_alts[i][1]
        low = None
        if self._contains is not None and (scan is None or scan.anchors):
            low = c.lower()
            for anchor in (self._contains.anchors if scan is None else scan.anchors):
                if anchor in low:
                    entry = self._contains.find(low)
                    if entry is not None:
                        return entry
                    break
        for triggers, combined in (self._gated if scan is None else scan.gated):
            if low is None:
                low = c.lower()
            if triggers.search(low):
                m = combined.compiled().fullmatch(c)
                if m is not None:
                    return combined.entries[m.lastgroup]
        for compiled, entry in self.user_line:
            if entry.name not in self.disabled and self._run(compiled.fullmatch, c, entry):
                return entry
        if c[0] == "(" and c[-1] == ")" and len(c) > 2:
            # A notice in brackets, "(Story continues below)", is the notice.
            inner = c[1:-1].strip()
            entry = self.match_line(inner, clean(inner), scan) if inner else None
            if entry is not None:
                return entry
        if text.rstrip()[-1:] in _SENTENCE_END_RAW:
            return None  # a line ending like a sentence never ends with a credit (see match_end)
        return self.match_end(text)

    def _choose(self, raw: str) -> tuple:
        """The alternatives for a line whose clean form starts with ``raw`` (lower case), cached."""
        key = raw.translate(_DIGITS) if _HAS_DIGIT(raw) else raw
        index = self._index
        chosen = self._bucket(key) if index is None or index.possible(key) else ()
        if len(self._by_key) > 200_000:  # many languages: keep the memory bounded
            self._by_key.clear()
        self._by_key[raw] = chosen
        return chosen

    def match_end(self, text: str) -> Optional[Entry]:
        tail = normalise(text[-TAIL_WINDOW:]).rstrip()
        if not tail or tail[-1] in SENTENCE_END:
            return None
        low = last = None
        if self._end_trigger_re is not None:
            low = tail.lower()
            last = {}
            for found in self._end_trigger_re.finditer(low):
                last[found.group()] = found.start()
        return self._match_tail(text, tail, low, last)

    def _match_tail(self, text: str, tail: str, low: Optional[str], last: Optional[dict]) -> Optional[Entry]:
        """``match_end`` once the tail is known: ``low`` is its lower case and ``last`` maps each trigger
        the trigger pattern found in ``low`` to where it last found it (both None without triggers)."""
        if last is not None:
            for trigger, at in last.items():
                combined = self._end_triggered[trigger]
                m = combined.compiled().match(tail, at)
                if m is not None and _fits(combined.entries[m.lastgroup], text):
                    return combined.entries[m.lastgroup]
            # A trigger inside a longer one ("pic" in "picture") is found through its own last occurrence.
            for trigger in self._end_nested:
                combined = self._end_triggered[trigger]
                if trigger not in last:
                    at = low.rfind(trigger)
                    if at >= 0:
                        m = combined.compiled().match(tail, at)
                        if m is not None and _fits(combined.entries[m.lastgroup], text):
                            return combined.entries[m.lastgroup]
        if self._end is not None:
            m = self._end.compiled().search(tail)
            if m is not None and _fits(self._end.entries[m.lastgroup], text):
                return self._end.entries[m.lastgroup]
        for compiled, entry in self.user_end:
            if entry.name not in self.disabled:
                m = self._run(compiled.search, tail, entry)
                if m is not None and m.end() == len(tail):
                    return entry
        return None

    def may_have_inline(self, text: str, low: Optional[str] = None) -> bool:
        """Cheap pre-check on a whole article (``low``: its lower-cased text): can any inline entry match?"""
        if self.user_inline or (self._inline is not None and self._inline.has_regex):
            return True
        if low is None:
            low = text.lower()
        for hint in self._inline_hints:
            if hint in low:
                return True
        return False

    def match_inline(self, text: str) -> Iterator[Hit]:
        """Residue glued inside ``text`` (a line)."""
        if self._inline is not None:
            for m in self._inline.compiled().finditer(text):
                yield Hit(self._inline.entries[m.lastgroup], m.start(), m.end())
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

    def _bucket(self, key: str) -> tuple:
        """The alternatives a line with this key can match: a handful, whatever the catalogue's size."""
        if self._index is None:
            known = _known_keys()
            self._index = _KeyIndex([_keys_of(alt, known) for alt, _ in self._line_alts])
            self._compiled = [None] * len(self._line_alts)
        return self._index.select(key)

    def _alternative(self, i: int):
        compiled = self._compiled[i]
        if compiled is None:
            compiled = self._compiled[i] = _compile_builtin(self._line_alts[i][0], re.IGNORECASE)
        return compiled

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


def _fits(entry: Entry, text: str) -> bool:
    """Whether a line-end match counts: the line is short enough for the entry's ``max-words``."""
    return not entry.max_words or len(text.split()) <= entry.max_words


def _compile_builtin(source: str, flags: int):
    try:
        return re.compile(source, flags)
    except re.error:  # a construct only the regex module knows
        regex = _regex_module()
        return regex.compile(source, flags | regex.V0)


class _Combined:
    """Several (pattern, entry) pairs joined into one alternation with a named group each."""

    def __init__(self, parts: Sequence[tuple[str, Entry]], template: str, flags: int) -> None:
        self.entries = {f"e{i}": entry for i, (_, entry) in enumerate(parts)}
        self.source = template.format("|".join(f"(?P<e{i}>{p})" for i, (p, _) in enumerate(parts)))
        self.flags = flags
        self.has_regex = any(entry.kind == "regex" for _, entry in parts)
        self._compiled = None

    def compiled(self):
        if self._compiled is None:
            self._compiled = _compile_builtin(self.source, self.flags)
        return self._compiled

    @property
    def pattern(self):
        return self.compiled()


class _Triggers:
    """Is any of a few lower-case strings in a text? (``in`` for a few, one pattern for many)."""

    def __init__(self, triggers: Sequence[str]) -> None:
        self.triggers = tuple(triggers)
        # Triggers sharing a first character ("/afp", "/ap", ...) make one pattern the engine scans by
        # that character; otherwise a few ``in`` tests are cheaper than a pattern.
        same_start = len({t[:1] for t in triggers}) == 1
        self.pattern = re.compile("|".join(re.escape(t) for t in triggers)) if same_start and len(triggers) > 3 \
            else None

    def search(self, low: str) -> bool:
        if self.pattern is not None:
            return self.pattern.search(low) is not None
        for t in self.triggers:
            if t in low:
                return True
        return False


class _Contains:
    """``line-contains`` phrases: one search for any of them, then which entry (rarely needed)."""

    def __init__(self, phrases: Sequence[tuple[str, Entry]]) -> None:
        self.phrases = list(phrases)
        # A distinctive part of each phrase is a cheap pre-check: "reserved" before "all rights reserved".
        anchors = sorted({_anchor(p) for p, _ in self.phrases}, key=len)
        # An anchor inside another ("broadcast" in "rebroadcast") covers it.
        self.anchors = [a for i, a in enumerate(anchors) if not any(b in a for b in anchors[:i])]
        self.anchor_re = re.compile("|".join(re.escape(a) for a in self.anchors))

    def find(self, low: str) -> Optional[Entry]:
        if self.anchor_re.search(low) is None:
            return None
        return next((entry for phrase, entry in self.phrases if phrase in low), None)


#: Lines are grouped by their first KEY_LENGTH characters (lower case, digits as "0").
KEY_LENGTH = 8

#: ``_LineGate`` caches what it decides from a line's first characters: this many of them (most lines
#: are settled by the first GATE_SHORT, the rest by the first GATE_HEAD).
GATE_SHORT = 5
GATE_HEAD = KEY_LENGTH + 1
#: An alternative whose keys admit any line starting with a word this short ("the ...") is also
#: looked for by a prefix of its pattern (``_prefix_pattern``).
GATE_BROAD = 5


class _LineGate:
    """How ``Catalogue.line_flags`` settles most lines of an article with next to no work.

    It is derived from the catalogue, so it stays right when packs change. ``match_line`` accepts a line
    through one of four routes; for each, a cheap test rules most lines out, and a line it does not rule
    out gets that route's exact test (the code ``match_line`` runs):

    * a phrase, a whole-line alternative or a notice in brackets (``_start``): the clean form must start
      with the first KEY_LENGTH characters (the key) of a phrase or an alternative, or with "(". When the
      line's first characters are its clean form's, they are the key's, and the line need not be
      cleaned to rule it out: ``_short_head`` decides most lines by their first GATE_SHORT characters,
      ``_head`` the rest by their first GATE_HEAD (both cached). An alternative whose keys admit any line
      starting with a short word ("the ...") must also match a prefix of its pattern at the line's start
      (``_prefix_pattern``), and a phrase needs a short line.
    * a ``line-contains`` phrase or a gated pattern (``_contained``): the line must hold the phrase or one
      of the triggers. The article (normalised, lower case) is searched once for a substring each phrase
      or trigger of a group holds (``_cover``), and where one is found, for where the phrases or triggers
      are (``_gate_pattern``: whitespace there may be a run ``clean`` collapses).
    * a line-end pattern (``match_end``): the line must not end like a sentence, and a match starts at a
      line-end trigger, with one of the keys ``first_keys`` allows there (``_trigger_keys``): one search
      over the tails of all the unfinished lines of the article.

    Lines are handled as ``match_line`` handles them: normalised (for the whole article at once: the
    same), cleaned with ``clean_normalised``, and lines longer than MAX_LINE as written get line-end
    patterns only.
    """

    def __init__(self, cat: "Catalogue") -> None:
        self.cat = cat
        phrases = [p for p, _ in cat._contains.phrases] if cat._contains is not None else []
        strings = [*phrases, *(t for triggers, _ in cat._gated for t in triggers.triggers), *cat._end_triggered]
        # A user pattern can match anything; so can a trigger of whitespace only; and the lower case of
        # sigma depends on its neighbours. Such catalogues are tested line by line.
        self.usable = not cat.user_line and all(s.strip() and not set(s) & set("\u03a3\u03c3\u03c2")
                                                for s in strings)
        if not self.usable:
            return
        # Anchors and triggers: a substring to test the article for (the probe), a regex for where (it
        # allows for the whitespace runs ``clean`` collapses), and what to test on a line it finds there:
        # the phrases, or the gated pattern. Probes and regexes shared by several are searched once.
        self.probes: dict[str, list] = {}
        groups = [([p for p in phrases if a in p], ("phrases", tuple(p for p in phrases if a in p)), a)
                  for a in _cover(phrases)]
        groups += [(list(triggers.triggers), ("gated", triggers, combined), None)
                   for triggers, combined in cat._gated]
        for strings, check, anchor in groups:
            parts = [_gate_pattern(t) for t in strings]
            if anchor is not None:  # every phrase of the group holds it
                probes = [anchor]
            else:  # every trigger holds one
                probes = sorted({literal for literal, _ in parts}, key=len)
                probes = [q for i, q in enumerate(probes) if not any(r in q for r in probes[:i])]
                if len(probes) > 3 and len({q[0] for q in probes}) == 1:
                    probes = [probes[0][0]]  # "/ap", "/afp", ...: one search for "/"
            pattern = "|".join(rx for _, rx in parts)
            if len(probes) == 1:
                # A probe holding a shorter one ("commission", "mission") is found through it.
                probes = [min((q for q in self.probes if q in probes[0]), key=len, default=probes[0])]
            entry = next((e for q in probes for e in self.probes.get(q, ()) if e[0].pattern == pattern), None)
            if entry is not None:
                entry[1].append(check)
                continue
            # Where every match starts with the one probe, one search from its first occurrence finds
            # them all; with several probes, one search from the start; else each line holding the probe
            # is searched.
            local = len(probes) == 1 and any(not literal.startswith(probes[0]) for literal, _ in parts)
            entry = (re.compile(pattern), [check], local, len(probes) > 1)
            for probe in probes:
                self.probes.setdefault(probe, []).append(entry)
        self.probe_list = tuple(self.probes)
        self.ascii_probes = tuple(q for q in self.probes if q.isascii())  # the others: not in ASCII text
        self.heads: dict[str, Any] = {}
        self.short_heads: dict[str, bool] = {}
        self.lstrip = WHITESPACE + _LEAD
        self.rstrip = WHITESPACE + _TRAIL
        self.phrase_heads = {p[:KEY_LENGTH] for p in cat.phrases}
        self.phrase_starts = {p[:GATE_SHORT - 1] for p in cat.phrases}
        # Per alternative: a prefix of its pattern every line it can match starts with, when its keys
        # admit any line starting with a short word; else None.
        self.prefixes: list = []
        if cat._line_alts:
            cat._bucket("")  # builds the key index
            for (alternative, _), found in zip(cat._line_alts, cat._index.keys):
                broad = found is not None and any(len(p) <= GATE_BROAD and p[:1].isalpha() for p in found.prefixes)
                prefix = _prefix_pattern(alternative) if broad else None
                self.prefixes.append(re.compile(prefix, re.IGNORECASE) if prefix else None)
        self.end_all = cat._end is not None or bool(cat.user_end)
        self.end_any = cat._end_trigger_re  # finds every trigger occurrence match_end can start at
        self.end_rx = None  # the same, narrowed to the keys first_keys allows there (ASCII text)
        if cat._end_triggered:
            keys: set = set()
            found: dict[str, Optional[FirstWords]] = {}  # triggers of one entry share a pattern
            for trigger, combined in cat._end_triggered.items():
                if combined.source not in found:
                    found[combined.source] = first_keys(combined.source)
                keys |= _trigger_keys(trigger, found[combined.source])
            if all("\n" not in key for key in keys):
                self.end_rx = re.compile(_trie_pattern(keys))

    def flags(self, lines: Sequence[str]) -> list[bool]:
        cat = self.cat
        n = len(lines)
        if not self.usable:
            return [cat.match_line(line) is not None for line in lines]
        text = "\n".join(lines)
        if text.count("\n") != n - 1:  # a line holds a line break: positions would not be lines
            return [cat.match_line(line) is not None for line in lines]
        if text.isascii():
            nls = lines  # the lines are their own normalised form
            probes = self.ascii_probes
        else:
            text = normalise(text)  # the same as normalising each line
            nls = text.split("\n")
            probes = self.probe_list
        low = text.lower()  # (its lines are the lines' lower case, even where that changes a length)

        # Lines holding a phrase or a trigger, with what to test on them.
        held: Optional[dict[int, list]] = None
        find = low.find
        count = low.count
        done = None
        for probe in list(filter(low.__contains__, probes)):
            for entry in self.probes[probe]:
                rx, checks, local, shared = entry
                if shared:  # found through several probes: once
                    if done is None:
                        done = []
                    elif entry in done:
                        continue
                    done.append(entry)
                k = q = 0
                if local:
                    found = []
                    p = find(probe)
                    while p >= 0:
                        s = low.rfind("\n", 0, p) + 1
                        e = find("\n", p)
                        if e < 0:
                            e = len(low)
                        if rx.search(low, s, e) is not None:
                            found.append(p)
                        p = find(probe, e)
                else:
                    found = [m.start() for m in rx.finditer(low, 0 if shared else find(probe))]
                last = -1
                for p in found:
                    k += count("\n", q, p)
                    q = p
                    if k == last:
                        continue  # the same line
                    last = k
                    if held is None:
                        held = {}
                    if k in held:
                        held[k] += checks
                    else:
                        held[k] = checks[:]

        out = [False] * n
        short_heads = self.short_heads
        heads = self.heads
        start = self._start
        max_line = MAX_LINE
        max_phrase = cat.max_phrase
        rstrip = self.rstrip
        short = GATE_SHORT
        head = GATE_HEAD
        ends = []
        plain = nls is lines
        for i, nl in enumerate(nls):
            if not nl:
                continue
            # Longer lines (as written: normalising only shortens them): only line-end patterns apply.
            if len(nl) <= max_line and (plain or len(lines[i]) <= max_line):
                need = short_heads.get(nl[:short])
                if need is None:
                    need = self._short_head(nl[:short])
                if need:
                    need = heads.get(nl[:head])
                    if need is None:
                        need = self._head(nl[:head])
                if need:
                    if need is not True:
                        tests, phrase = need
                        for rx in tests:
                            if rx is None or rx.match(nl) is not None:
                                break
                        else:
                            need = phrase and (len(nl) <= max_phrase or "  " in nl or "\t" in nl
                                               or len(nl.rstrip(rstrip)) <= max_phrase)
                    if need and start(clean_normalised(nl)):
                        out[i] = True
                        continue
                if held and i in held and self._contained(clean_normalised(nl), held[i]):
                    out[i] = True
                    continue
            if nl[-1] not in SENTENCE_END:
                ends.append(i)

        # Unfinished lines: match_end for those holding a line-end trigger where a match can start.
        if ends:
            match_end = cat.match_end
            if self.end_all:
                for i in ends:
                    out[i] = match_end(lines[i]) is not None
                return out
            # match_end looks at the last TAIL_WINDOW characters only (normalising them can only shorten them).
            joined = "\n".join([nls[i][-TAIL_WINDOW:] for i in ends]).lower()
            rx = self.end_rx if self.end_rx is not None and joined.isascii() else self.end_any
            if rx is not None:
                k = q = 0
                last = -1
                for m in rx.finditer(joined):
                    p = m.start()
                    k += joined.count("\n", q, p)
                    q = p
                    if k != last:
                        last = k
                        out[ends[k]] = match_end(lines[ends[k]]) is not None
        return out

    def _short_head(self, raw: str) -> bool:
        """Whether a line whose normalised form starts with ``raw`` (GATE_SHORT characters, or the whole
        line) may start a phrase, an alternative or a notice in brackets: when its first GATE_SHORT - 1
        characters are its clean form's, they must start a key of the key index or a phrase."""
        cat = self.cat
        k = GATE_SHORT - 1
        if len(raw) < GATE_SHORT or raw[0] in self.lstrip or raw[0] == "(" or "  " in raw[:k] \
                or not raw[:k].isprintable() or not raw[k - 1:].rstrip(self.rstrip):
            need = True
        else:
            key = raw[:k].lower()
            key = key.translate(_DIGITS) if _HAS_DIGIT(key) else key
            index = cat._index
            need = raw[:k].casefold()[:k] in self.phrase_starts or (index is not None and index.possible(key))
        if len(self.short_heads) > 200_000:
            self.short_heads.clear()
        self.short_heads[raw] = need
        return need

    def _head(self, raw: str) -> Any:
        """What a line whose normalised form starts with ``raw`` (GATE_HEAD characters, or the whole line)
        needs for a phrase, an alternative or the bracket rule: False (nothing can match), True (the
        exact test), or the prefix tests of the alternatives its key selects and whether a phrase starts
        so (see ``flags``)."""
        cat = self.cat
        k = KEY_LENGTH
        if len(raw) < GATE_HEAD:  # the whole line
            need: Any = self._start(clean_normalised(raw))
        elif raw[0] in self.lstrip or raw[0] == "(" or "  " in raw[:k] or not raw[:k].isprintable() \
                or not raw[k - 1:].rstrip(self.rstrip):
            need = True  # the clean form may not start with raw[:k]; or it is a notice in brackets
        else:
            key = raw[:k].lower()
            chosen = cat._by_key.get(key) if cat._line_alts else ()
            if chosen is None:
                chosen = cat._choose(key)
            phrase = raw[:k].casefold()[:k] in self.phrase_heads
            need = (tuple(self.prefixes[i] for i in chosen), phrase) if chosen or phrase else False
        if len(self.heads) > 200_000:
            self.heads.clear()
        self.heads[raw] = need
        return need

    def _start(self, c: str) -> bool:
        """``match_line``'s phrase, alternative and bracket tests on a clean form ``c``."""
        if not c:
            return False
        cat = self.cat
        if len(c) <= cat.max_phrase and c.casefold() in cat.phrases:
            return True
        if cat._line_alts:
            raw = c[:KEY_LENGTH].lower()
            chosen = cat._by_key.get(raw)
            if chosen is None:
                chosen = cat._choose(raw)
            for i in chosen:
                if cat._alternative(i).fullmatch(c) is not None:
                    return True
        if c[0] == "(" and c[-1] == ")" and len(c) > 2:
            # A notice in brackets, "(Story continues below)", is the notice.
            inner = c[1:-1].strip()
            return bool(inner) and cat.match_line(inner, clean(inner)) is not None
        return False

    @staticmethod
    def _contained(c: str, checks: list) -> bool:
        """``match_line``'s ``line-contains`` and gated tests on a clean form ``c``, those ``checks`` name
        (the others cannot match: the line holds none of their phrases or triggers)."""
        low = c.lower()
        for check in checks:
            if check[0] == "phrases":
                for phrase in check[1]:
                    if phrase in low:
                        return True
            elif check[1].search(low) and check[2].compiled().fullmatch(c) is not None:
                return True
        return False


def _prefix_pattern(pattern: str) -> Optional[str]:
    """A regex that matches at the start of every line whose clean form the (case-insensitive) ``pattern``
    fully matches, when the clean form starts where the line does; or None.

    It is ``pattern`` up to the first construct that looks around or could match whitespace ``clean``
    collapsed (".", "[^x]", "\\S", ...), with each whitespace item as a run (``\\s+``); apply it with
    IGNORECASE."""
    try:
        parsed = _sre_parser().parse(pattern, re.IGNORECASE)
    except Exception:  # noqa: BLE001 - any doubt: none
        return None
    source, _ = _prefix(list(parsed), _sre_constants())
    return source or None


def _prefix(items, c) -> tuple[str, bool]:
    """(regex source for the longest usable prefix of ``items``, whether that is all of them)."""
    out = []
    for op, av in items:
        space = _space_item(op, av, c)
        if space is not None:
            out.append("\\s+" if space else "\\s*")
            continue
        if op is c.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is c.IN:
            members = _class_members(av, c)
            if members is None:
                return "".join(out), False
            out.append(f"[{members}]")
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, sub = av
            inner, complete = _prefix(list(sub), c)
            if not complete or not inner:
                return "".join(out), False
            out.append(f"(?:{inner}){{{low},{'' if high == _sre_constants().MAXREPEAT else high}}}")
        elif op is c.SUBPATTERN and not av[1] and not av[2]:  # a group that changes no flag
            inner, complete = _prefix(list(av[-1]), c)
            out.append(f"(?:{inner})")
            if not complete:
                return "".join(out), False
        elif op is c.BRANCH:
            branches = [_prefix(list(branch), c) for branch in av[1]]
            if not all(complete for _, complete in branches):
                return "".join(out), False
            out.append("(?:" + "|".join(source for source, _ in branches) + ")")
        else:  # looks around, or may match collapsed whitespace
            return "".join(out), False
    return "".join(out), True


def _space_item(op, av, c) -> Optional[bool]:
    """For an item that matches whitespace only: whether it needs at least one character; else None."""
    if op is c.LITERAL and chr(av).isspace():
        return True
    if op is c.IN and av == [(c.CATEGORY, c.CATEGORY_SPACE)]:
        return True
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and len(av[2]) == 1:
        inner = _space_item(*list(av[2])[0], c)
        if inner is not None:
            return inner and av[0] > 0
    return None


def _class_members(av, c) -> Optional[str]:
    """A character class's members as regex source, when it cannot match whitespace; else None."""
    out = []
    for op, value in av:
        if op is c.LITERAL and not chr(value).isspace():
            out.append(re.escape(chr(value)))
        elif op is c.RANGE and not any(value[0] <= ord(ch) <= value[1] for ch in WHITESPACE):
            out.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif op is c.CATEGORY and value in (c.CATEGORY_DIGIT, c.CATEGORY_WORD):
            out.append("\\d" if value is c.CATEGORY_DIGIT else "\\w")
        else:
            return None
    return "".join(out) if out else None


def _cover(phrases: Sequence[str], shortest: int = 5) -> list[str]:
    """Few substrings, without whitespace, that every one of ``phrases`` holds one of: each costs a search
    of the whole article. Picked greedily, most phrases first, then the longest (rarer in text); a phrase
    with no long enough word holds its longest one."""
    def parts(phrase: str) -> set:
        words = phrase.split()
        found = {w[i:j] for w in words for i in range(len(w)) for j in range(i + shortest, len(w) + 1)}
        return found or {max(words, key=len)}

    holds = {phrase: parts(phrase) for phrase in phrases}
    left = set(phrases)
    chosen: list[str] = []
    while left:
        counts: dict[str, int] = {}
        for phrase in left:
            for part in holds[phrase]:
                counts[part] = counts.get(part, 0) + 1
        best = max(counts, key=lambda part: (counts[part], len(part), part))
        chosen.append(best)
        left = {phrase for phrase in left if best not in holds[phrase]}
    return chosen


def _trigger_keys(trigger: str, found: Optional[FirstWords]) -> set:
    """The keys a line-end match starting at ``trigger`` can have (``first_keys`` of its pattern): it
    starts with the trigger, so only those that do. None known: the trigger itself."""
    t = trigger[:KEY_LENGTH].lower()
    t = t.translate(_DIGITS) if _HAS_DIGIT(t) else t
    if found is None:
        return {t}
    prefixes = set(found.prefixes)
    if any(t[:i] in prefixes for i in range(len(t) + 1)):
        return {t}
    ordered = _sorted_keys(found)
    keys = set()
    for key in ordered[bisect.bisect_left(ordered, t):]:
        if not key.startswith(t):
            break
        keys.add(key)
    return keys


@functools.lru_cache(maxsize=16)
def _sorted_keys(found: FirstWords) -> list:
    return sorted(found.words | set(found.prefixes))


def _gate_pattern(s: str) -> tuple[str, str]:
    """Where ``s`` can be in a clean form, as a regex over the raw line: whitespace may be a run that
    ``clean`` collapsed. The regex starts with a literal (returned too), so the engine skips to it."""
    parts = [part for part in re.split(r"(\s+)", s) if part]
    first = next(i for i, part in enumerate(parts) if not part.isspace())
    literal = parts[first]
    rx = re.escape(literal)
    if first:
        rx += "(?<=\\s" + re.escape(literal) + ")"
    rest = "".join("\\s+" if part.isspace() else re.escape(part) for part in parts[first + 1:])
    return literal, rx + (f"(?={rest})" if rest else "")


def _trie_pattern(keys: Iterable[str]) -> str:
    """A regex matching (lower-case) text that starts with one of ``keys``, keys as ``first_keys`` gives
    them: "0" stands for any digit and " " for any whitespace (but a line break)."""
    root: dict = {}
    for key in keys:
        node = root
        for ch in key:
            if "" in node:
                break  # a shorter key already covers it
            node = node.setdefault(ch, {})
        else:
            node.clear()
            node[""] = {}

    def char(ch: str) -> str:
        if ch == "0":
            return "\\d"
        if ch == " ":
            return "[^\\S\\n]"
        return re.escape(ch)

    def emit(node: dict) -> str:
        if "" in node:
            return ""
        alternatives = [char(ch) + emit(child) for ch, child in sorted(node.items())]
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return emit(root) if root else "(?!)"


#: Words too common in news to pre-check a phrase by (most articles hold them).
_COMMON = frozenset("news money latest without written published experience website settings should "
                    "people before registered partnerships consent distributed contains manage".split())


def _anchor(phrase: str) -> str:
    """A part of ``phrase`` that few articles hold ("reserved" for "all rights reserved"), or the phrase."""
    words = [w.strip(",.;:") for w in phrase.split()]
    rare = [w for w in words if len(w) >= 6 and w not in _COMMON]
    return max(rare, key=len) if rare else phrase.strip()


def line_key(c: str) -> str:
    """The bucket key of a clean line: its first KEY_LENGTH characters, lower case, digits as "0"."""
    key = c[:KEY_LENGTH].lower()
    return key.translate(_DIGITS) if _HAS_DIGIT(key) else key


_MAX_STATES = 3000
#: Enumeration states: the prefix goes on, it is complete (KEY_LENGTH characters, or the pattern
#: ended), or it goes on with characters that cannot be enumerated.
_GOING, _COMPLETE, _OPEN = 0, 1, 2


@dataclass(frozen=True)
class FirstWords:
    """The keys a pattern's match can have: exact keys, and prefixes of any longer key."""

    words: frozenset
    prefixes: tuple

    def admits(self, key: str) -> bool:
        return key in self.words or any(key.startswith(p) for p in self.prefixes)


def first_keys(pattern: str) -> Optional[FirstWords]:
    """The ``line_key`` values a full match of ``pattern`` can have, or None when any is possible."""
    try:
        parsed = _sre_parser().parse(pattern, re.IGNORECASE)
        states = _expand(list(parsed), {("", _GOING)}, _sre_constants())
    except Exception:  # noqa: BLE001 - any doubt means "try it on every line"
        return None
    words, prefixes = set(), set()
    for prefix, state in states:
        if state == _OPEN:
            if not prefix:
                return None
            prefixes.add(prefix)
        elif prefix:
            words.add(prefix)  # complete, or the whole (short) line
    return FirstWords(frozenset(words), tuple(sorted(prefixes)))


def pattern_digest(pattern: str) -> str:
    import hashlib  # noqa: PLC0415 - only when the index is built
    return hashlib.sha1(pattern.encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def _known_keys() -> dict:
    """The precomputed first keys of the built-in alternatives (empty when the file is missing)."""
    import json  # noqa: PLC0415
    try:
        return json.loads(KEYS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _keys_of(pattern: str, known: dict) -> Optional[FirstWords]:
    digest = pattern_digest(pattern)
    if digest not in known:
        return first_keys(pattern)  # a pack edited since keys.json was built: work it out
    found = known[digest]
    return None if found is None else FirstWords(frozenset(found[0]), tuple(found[1]))


class _KeyIndex:
    """Which alternatives admit a key: by exact key, by prefix, or always."""

    def __init__(self, keys: Sequence[Optional[FirstWords]]) -> None:
        self.keys = list(keys)
        self.always = [i for i, k in enumerate(keys) if k is None]
        self.words: dict[str, list[int]] = {}
        self.prefixes: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            if k is None:
                continue
            for word in k.words:
                self.words.setdefault(word, []).append(i)
            for prefix in k.prefixes:
                self.prefixes.setdefault(prefix, []).append(i)
        self.lengths = sorted({len(p) for p in self.prefixes})
        # What keys can start with: most lines fail this and never reach select().
        self.heads = {k[:4] for k in self.words if len(k) >= 4} | {p[:4] for p in self.prefixes if len(p) >= 4}
        self.short = {k for k in list(self.words) + list(self.prefixes) if len(k) < 4}

    def possible(self, key: str) -> bool:
        if self.always or key[:4] in self.heads:
            return True
        short = self.short
        return bool(short) and (key in short or key[:1] in short or key[:2] in short or key[:3] in short)

    def select(self, key: str) -> tuple:
        found = [self.always, self.words.get(key, ())]
        prefixes = self.prefixes
        for n in self.lengths:
            if n > len(key):
                break
            hit = prefixes.get(key[:n])
            if hit:
                found.append(hit)
        if not found[0] and not found[1] and len(found) == 2:
            return ()  # most keys: no alternative can start this way
        return tuple(sorted({i for part in found for i in part}))


def _chars(op, av, c) -> Optional[list[str]]:
    """The characters one item can match, when it is a literal or a small class."""
    if op is c.LITERAL:
        return [chr(av).lower()]
    if op is c.IN:
        out: list[str] = []
        for iop, iav in av:
            if iop is c.LITERAL:
                out.append(chr(iav).lower())
            elif iop is c.RANGE and iav[1] - iav[0] <= 64:
                out.extend(chr(x).lower() for x in range(iav[0], iav[1] + 1))
            elif iop is c.CATEGORY and iav is c.CATEGORY_DIGIT:
                out.append("0")
            elif iop is c.CATEGORY and iav is c.CATEGORY_SPACE:
                out.append(" ")
            else:
                return None
        return sorted({"0" if ch.isdigit() else ch for ch in out})
    return None


def _expand(items, states: set, c) -> set:
    """The states after matching ``items`` from each of ``states``."""
    for op, av in items:
        going = {s for s in states if s[1] == _GOING}
        if not going:
            return states
        if len(states) > _MAX_STATES:
            return {(p, _OPEN if st == _GOING else st) for p, st in states}
        settled = states - going
        chars = _chars(op, av, c)
        if chars is not None:
            new = set(settled)
            for prefix, _ in going:
                for ch in chars:
                    grown = prefix + ch
                    new.add((grown, _COMPLETE if len(grown) >= KEY_LENGTH else _GOING))
            states = new
        elif op is c.BRANCH:
            new = set(settled)
            for branch in av[1]:
                new |= _expand(list(branch), going, c)
            states = new
        elif op is c.SUBPATTERN:
            states = settled | _expand(list(av[-1]), going, c)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) or getattr(c, "POSSESSIVE_REPEAT", None) is op:
            low, high, sub = av
            items = list(sub)
            if high > 2 and len(items) == 1 and len(_chars(*items[0], c) or ()) >= 3:
                # A run of a character class ("[ |:-]*"): its combinations would swamp the index.
                # One character of it, then anything.
                first = _expand(items, going, c)
                opened = {(p, _OPEN if st == _GOING else st) for p, st in first}
                states = settled | opened | (set(going) if low == 0 else set())
                continue
            result = set(going) if low == 0 else set()
            current = going
            # Each turn adds at least a character or changes nothing: KEY_LENGTH + 1 turns settle it.
            for turn in range(1, min(high, KEY_LENGTH + 1) + 1):
                current = _expand(list(sub), current, c)
                # Settled states (complete or open) hold whatever follows; going ones only count once
                # the repeat may stop.
                result |= {s for s in current if s[1] != _GOING or turn >= low}
                current = {s for s in current if s[1] == _GOING}
                if not current:
                    break
            else:
                if high > KEY_LENGTH + 1:
                    result = {(p, _OPEN if st == _GOING else st) for p, st in result}
            states = settled | result
        elif op is c.AT:
            if av in (c.AT_END, c.AT_END_STRING):
                states = settled | {(p, _COMPLETE) for p, _ in going}
        elif op in (c.ASSERT, c.ASSERT_NOT):
            continue
        else:
            states = settled | {(p, _OPEN) for p, _ in going}
    return states


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern`` (``a|(b|c)`` gives ``a`` and ``(b|c)``)."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _sre_parser():
    try:
        import re._parser as parser  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.9 and 3.10
        import sre_parse as parser
    return parser


def _sre_constants():
    try:
        from re import _constants as constants  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.9 and 3.10
        import sre_constants as constants
    return constants


def _inline_phrase_pattern(phrases: Sequence[str]) -> str:
    """Inline phrases match as written, at a sentence boundary, followed by a new sentence or the end."""
    words = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return (r"(?:^|(?<=[.!?\"\u201d\u2019)] ))(?:" + words + r")(?=$| [A-Z\u201c\"\u2018'(])")
