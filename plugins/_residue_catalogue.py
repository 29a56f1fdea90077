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
        anchors = []
        if self._contains is not None:
            for anchor in self._contains.anchors:
                if anchor in low:
                    anchors.append(anchor)
        gated = [(triggers, combined) for triggers, combined in self._gated if triggers.search(low)]
        return Scan(anchors, gated, low)

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
