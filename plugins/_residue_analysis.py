"""One pass over an article that every residue rule shares.

The catalogue says which lines are known residue; the context around them
finds the rest: the link titles under a "Related" heading, the caption above a
credit line, the copy of a caption printed again with its credit, and the
unknown short lines inside a block of known residue. Each rule reads its own
part of the result, so an article is analysed once however many residue rules
are selected, and an article with nothing to look at ends after one pass.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Optional

from ._residue_catalogue import Catalogue, Entry, clean, phrase_key

# -- codes ----------------------------------------------------------------------------

LINE, INLINE, REPEATED, CAPTION, MARKUP, LINK_LIST, CLUSTER = (
    "NL101", "NL102", "NL103", "NL104", "NL105", "NL106", "NL107")


@dataclass
class Verdict:
    """One finding-to-be: a line (or a span of it), the rule code, a message and how to fix it."""

    code: str
    index: int  # into article.lines
    message: str
    fix: str  # "delete-line", "delete", "replace" or "none"
    safe: bool
    start: int = -1  # offsets within the line's text for inline verdicts
    end: int = -1
    replacement: str = ""
    entry: Optional[Entry] = None


@dataclass
class Analysis:
    verdicts: dict[str, list[Verdict]] = field(default_factory=dict)
    residue_lines: int = 0
    timeouts: list[str] = field(default_factory=list)
    #: Indices of the lines the catalogue matches as whole lines on their own (``match_line``,
    #: before any context); None when some lines were not asked (directives, allowed lines).
    whole_lines: Optional[list[int]] = None

    def add(self, verdict: Verdict) -> None:
        self.verdicts.setdefault(verdict.code, []).append(verdict)


# -- line shape ---------------------------------------------------------------------

#: End punctuation of a sentence or paragraph, closing quotes and brackets included
#: (C4's ASCII-only list would call every paragraph ending in a curly quote residue).
END_PUNCT = frozenset('.!?…"\'”’»):;')
_DIRECTIVE = re.compile(r"^\s*<!--\s*newslint:.*-->\s*$")
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
                    r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
                    r"\b\d{1,2}:\d{2}\b", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:by|written by|words by|reporting by|story by|from)\s", re.IGNORECASE)


def is_body_like(text: str, words: int) -> bool:
    """A paragraph of running text: a sentence of six words or more, or a long line whatever its end.

    (``analyse`` inlines this test in its first loop.)
    """
    return words >= 25 or (words >= 6 and text.rstrip()[-1:] in END_PUNCT)


def is_meta(text: str) -> bool:
    """A byline or a dateline: neither body nor residue, and it breaks a run of headlines."""
    return bool(_BYLINE.match(text.lstrip()) or _MONTH.search(text))


def is_link_like(text: str, words: int) -> bool:
    """A headline-shaped line: a few words and no sentence end (a link title, a tag, a label)."""
    if not 1 <= words <= 25 or len(text) > 250:
        return False
    stripped = text.rstrip()
    return not stripped.endswith((".", ":", ";"))


def is_caps_promo(text: str, words: int) -> bool:
    """An all-capitals headline of eight words or more: a promoted link inside the body.

    All-capitals subheads exist ("HOW TO USE A WATER BATH CANNER") but are short
    and often questions; promoted headlines are full headlines.
    """
    if words < 8 or len(text) > 200 or not text.isupper():
        return False
    letters = sum(1 for c in text if c.isalpha())
    return letters >= 25 and not text.rstrip().endswith((".", "?", ":"))


_CLOSERS = "\"'”’»)]"


def is_title_like(text: str, words: int) -> bool:
    """A headline in a list: like ``is_link_like``, but a closing quote or bracket alone is no sentence end."""
    if is_link_like(text, words):
        return True
    stripped = text.rstrip()
    if words > 20 or not stripped or stripped[-1] not in _CLOSERS:
        return False
    core = stripped.rstrip(_CLOSERS)
    return bool(core) and core[-1] not in ".!?…,;:"


# -- markup ------------------------------------------------------------------------

_TAGS = ("a|abbr|amp-ad|amp-iframe|amp-img|article|aside|audio|b|blockquote|body|br|button|canvas|center|"
         "cite|code|dd|del|div|dl|dt|em|embed|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|"
         "html|i|iframe|img|input|ins|label|li|link|main|mark|meta|nav|noscript|object|ol|option|p|param|"
         "path|picture|pre|q|s|script|section|select|small|source|span|strong|style|sub|sup|svg|table|"
         "tbody|td|th|thead|time|title|tr|u|ul|video")
MARKUP_RE = re.compile(
    r"(?P<tag></?(?:" + _TAGS + r")\b(?:\s[^<>]{0,400})?/?>)"
    r"|(?P<entity>&(?:[a-zA-Z][a-zA-Z0-9]{1,9}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});)"
    r"|(?P<object>\[object (?:Object|HTMLDivElement|Window|Promise|Undefined|Null)\])"
    r"|(?P<template>\{\{[^{}\n]{1,80}\}\}|\{%[^%\n]{1,80}%\}|\$\{[^{}\n]{1,60}\}|%%[A-Z_]{2,40}%%)"
    r"|(?P<undefined>(?<![\w'’-])(?:undefined|NaN)(?=[A-Z])|(?<=[a-z.,])(?:undefined|NaN)(?![\w'’-]))")
#: A whole line of script or style left by a scraper that kept <script> text.
SCRIPT_LINE_RE = re.compile(
    r"^\s*(?:(?:var|let|const)\s+[\w$]+\s*=.*|function\s*[\w$]*\s*\([^)]*\)\s*\{.*|"
    r".*\b(?:document|window|googletag|jQuery|\$)\s*[.(]\s*[\w$]*\s*[.(=\[].*[;{}].*|"
    r"\(\s*adsbygoogle.*|.*\b(?:googletag|adsbygoogle|dataLayer|_gaq|fbq|gtag)\b.*[;()].*|"
    r"[}\])]+\s*\)?\s*;?|(?:if|for|while)\s*\(.*\)\s*\{.*|try\s*\{.*|\}\s*catch\s*\(.*|"
    r"[.#@]?[\w-]+(?:\s*[,>]\s*[.#]?[\w-]+)*\s*\{[^{}]*:[^{}]*\}?|@media\b.*|<!\[CDATA\[.*|.*\]\]>\s*|"
    r"(?:undefined|null|NaN|\[object Object\])\s*)$")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


#: Markup and script need one of a few characters or words: C-level ``in`` tests decide most
#: articles (one pattern with all of them would scan the text character by character).
_TAG_START = re.compile(r"<[a-z/!]")
_ENTITY = re.compile(r"&#?[a-zA-Z0-9]{2,10};")
_LINE_END_SEMICOLON = re.compile(r";[ \t]*$", re.M)


def _has_markup(text: str) -> bool:
    # Single characters first: ``in`` finds them with memchr.
    return (("<" in text and _TAG_START.search(text) is not None)
            or ("&" in text and _ENTITY.search(text) is not None)
            or ("{" in text or "}" in text)
            or (";" in text and _LINE_END_SEMICOLON.search(text) is not None)
            or "[object" in text or "%%" in text or "undefined" in text)


def markup_verdicts(index: int, text: str) -> list[Verdict]:
    """NL105 verdicts for one line; HTML comments (newslint's own directives among them) are not residue."""
    if not _has_markup(text):
        return []
    if SCRIPT_LINE_RE.match(text) and not _COMMENT_RE.fullmatch(text.strip()):
        return [Verdict(MARKUP, index, "script, style or template text left by the scraper",
                        "delete-line", False)]
    comments = [(m.start(), m.end()) for m in _COMMENT_RE.finditer(text)] if "<!--" in text else []
    out = []
    for m in MARKUP_RE.finditer(text):
        if any(s <= m.start() < e for s, e in comments):
            continue
        kind = m.lastgroup
        if kind == "entity":
            decoded = html.unescape(m.group())
            if decoded == m.group():
                continue  # not an entity Python knows: leave "&foo;" alone
            # Decoding keeps the meaning, except &lt; / &gt;, which would turn into markup.
            safe = m.group().lower() not in ("&lt;", "&gt;")
            out.append(Verdict(MARKUP, index, f"HTML entity {m.group()} (means {decoded!r})", "replace", safe,
                               m.start(), m.end(), decoded))
        elif kind == "tag":
            out.append(Verdict(MARKUP, index, f"HTML tag {m.group()[:40]} left in the text", "delete", False,
                               m.start(), m.end()))
        else:
            label = {"object": "JavaScript object placeholder", "template": "template placeholder",
                     "undefined": "JavaScript 'undefined' glued into the text"}[kind]
            out.append(Verdict(MARKUP, index, f"{label} {m.group()!r}", "delete", False, m.start(), m.end()))
    return out


# -- the analysis ------------------------------------------------------------------

MAX_LIST = 20  # lines after a list heading
CAPTION_MAX_WORDS = 45
CLUSTER_MAX_WORDS = 15  # link titles and labels are short; a long line without a full stop is body


class _Line:
    """One non-blank line of the article, as the analysis sees it."""

    __slots__ = ("index", "text", "clean", "words", "entry", "edge", "allowed", "body", "directive")

    def __init__(self, index: int, text: str) -> None:
        self.index = index  # in article.lines
        self.text = text
        self.clean = ""
        self.words = text.count(" ") + 1
        self.entry: Optional[Entry] = None
        self.edge: Optional[Entry] = None  # an entry that counts only before or after the body
        self.allowed = False
        self.body = False
        self.directive = False

    @classmethod
    def of(cls, index: int, text: str, c: str, words: int, entry: Optional[Entry], body: bool,
           kind: int) -> "_Line":
        row = cls(index, text)
        row.clean, row.body = c, body
        if words:
            row.words = words
        row.directive, row.allowed = kind == 1, kind == 2
        if entry is not None:
            if entry.position == "edge":
                row.edge = entry  # decided once the body's extent is known
            else:
                row.entry = entry
        return row


def analyse(lines, catalogue: Catalogue, text: Optional[str] = None, shape: bool = True) -> Analysis:
    """Every residue verdict for an article's lines (``Line`` objects, in order); ``text``: the article's text."""
    result = Analysis()
    if text is None:
        text = "\n".join(line.text for line in lines)
    allow = catalogue.allow or catalogue.allow_patterns
    scan = catalogue.scan(text)
    match_line = catalogue.match_line
    directives = "<!--" in text
    caps = False
    matched = False
    similar = False  # two neighbouring lines that start alike: a repeat or a caption copy, maybe
    previous, previous_length = "", 0
    seen_body = False
    # The first pass keeps plain tuples: most articles end right after it.
    data: list[tuple] = []  # (index, text, clean, words, entry, body, kind: 0 line, 1 directive, 2 allowed)
    append = data.append
    whole: Optional[list[int]] = []
    for index, line in enumerate(lines):
        line_text = line.text
        if not line_text or line_text.isspace():
            continue
        length = len(line_text)
        head = line_text[:12].lower()
        if head == previous and length >= previous_length - 4:
            similar = True
        previous, previous_length = head, length
        if directives and _DIRECTIVE.match(line_text):
            append((index, line_text, "", 0, None, False, 1))
            whole = None
            continue
        if allow and catalogue.allowed(line_text):
            append((index, line_text, "", 0, None, False, 2))
            whole = None
            continue
        c = clean(line_text)
        words = c.count(" ") + 1
        entry = match_line(line_text, c, scan)
        if entry is None:
            if words >= 6:  # is_body_like, inlined
                body = words >= 25 or line_text.rstrip()[-1:] in END_PUNCT
                if body:
                    seen_body = True
                elif seen_body and words >= 8 and line_text.isupper():
                    caps = True  # a promo headline needs body around it: a headline before the body is not one
            else:
                body = False
            append((index, line_text, c, words, None, body, 0))
        else:
            matched = True
            append((index, line_text, c, words, entry, False, 0))
            if whole is not None and entry.scope != "inline":
                whole.append(index)
    result.whole_lines = whole
    inline = catalogue.may_have_inline(text, scan.low)
    markup = _has_markup(text)
    if not (matched or caps or similar or inline or markup):
        result.timeouts = catalogue.take_timeouts()
        return result  # most articles: nothing matched, nothing to look at in context
    rows = [_Line.of(*item) for item in data]
    headings = any(r.entry is not None and r.entry.list_heading or r.edge is not None and r.edge.list_heading
                   for r in rows)
    claimed: dict[int, str] = {}  # row position -> code of its whole-line verdict

    # Context captions decide body lines too: a caption above a credit is not the body's first paragraph.
    _captions(rows, catalogue, result, claimed)
    body_rows = [k for k, r in enumerate(rows) if r.body and k not in claimed]
    first = body_rows[0] if body_rows else len(rows)
    last = body_rows[-1] if body_rows else -1
    for k, row in enumerate(rows):
        if row.edge is not None and (k < first or k > last) and k not in claimed:
            row.entry = row.edge
        entry = row.entry
        if entry is None or k in claimed:
            continue
        result.add(Verdict(entry.code, row.index, f"{entry.message} ({entry.pack}/{entry.name})", entry.fix,
                           entry.fix == "delete-line", entry=entry))
        claimed[k] = entry.code
    _repeats(rows, catalogue, result, claimed)
    if inline or markup:
        for k, row in enumerate(rows):
            if row.allowed or row.directive:
                continue
            if inline and k not in claimed:
                for hit in catalogue.match_inline(row.text):
                    if not row.text[:hit.start].strip() and not row.text[hit.end:].strip():
                        continue  # the whole line: a line rule's business (and perhaps turned off)
                    e = hit.entry
                    result.add(Verdict(e.code, row.index, f"{e.message}: {row.text[hit.start:hit.end]!r} "
                                       f"({e.pack}/{e.name})", e.fix, False, hit.start, hit.end, entry=e))
            if markup:
                for verdict in markup_verdicts(row.index, row.text):
                    result.add(verdict)
    if shape:
        if headings or caps:
            _link_lists(rows, result, claimed, first, last)
        if claimed:
            _clusters(rows, result, claimed)
    result.residue_lines = len(claimed)
    result.timeouts = catalogue.take_timeouts()
    return result


def _is_caption_credit(row: _Line) -> bool:
    """A lone credit that belongs to the caption above it: "(Image: X)", "(Jane Doe/AFP)", "AP Photo/X".

    Page-level credits ("Main image credit: Getty") sit anywhere, often under the last paragraph.
    """
    if row.entry is None or row.entry.name != "credit-line":
        return False
    text = row.clean
    return text.startswith(("(", "[")) or ("/" in text and row.words <= 8)


def _captions(rows: list[_Line], catalogue: Catalogue, result: Analysis, claimed: dict[int, str]) -> None:
    """A caption is the line above a lone credit, or a line repeated below with its credit appended."""
    for k in range(len(rows) - 1):
        row, nxt = rows[k], rows[k + 1]
        if row.entry is not None or row.allowed or row.directive or row.words > CAPTION_MAX_WORDS:
            continue
        if nxt.entry is None and len(nxt.text) <= len(row.text):
            continue  # neither a credit nor a longer copy: the common case, decided cheaply
        if row.text.rstrip().endswith(":") or row.text.lstrip()[:1] in "\"“‘'—–-":
            continue  # a line introducing a quote or a list, or a quote itself: body
        if _is_caption_credit(nxt):
            message = f"photo caption: line {nxt.index + 1} is its credit"
        elif _with_credit(row.text, nxt.text, catalogue):
            message = f"photo caption: line {nxt.index + 1} repeats it with a credit"
        else:
            continue
        result.add(Verdict(CAPTION, row.index, message, "delete-line", False))
        claimed[k] = CAPTION


def _with_credit(first: str, second: str, catalogue: Catalogue) -> bool:
    """Whether ``second`` is ``first`` with a photo credit appended."""
    if len(second) <= len(first) or second[:8].lstrip() != first[:8].lstrip()[:len(second[:8].lstrip())]:
        return False
    a, b = clean(first), clean(second)
    if len(b) <= len(a) or not b.startswith(a) or len(a) < 12:
        return False
    entry = catalogue.match_end(second)
    return entry is not None and entry.code == CAPTION


def _repeats(rows: list[_Line], catalogue: Catalogue, result: Analysis, claimed: dict[int, str]) -> None:
    """NL103: a line printed twice in a row (a caption read twice), alone or with a credit appended.

    Only the next non-blank line counts: structured articles (recipes, schedules,
    tables) repeat lines far apart on purpose, and a pull quote repeats a sentence.
    """
    for k in range(1, len(rows)):
        row, previous = rows[k], rows[k - 1]
        if row.words < 2 or len(row.text) < len(previous.text) - 4 or \
                row.text[:12].lower() != previous.text[:12].lower():
            continue  # the common case, decided cheaply (copies start alike and are not shorter)
        if row.allowed or row.directive or previous.directive or claimed.get(k) == LINE:
            continue
        if abs(len(row.text) - len(previous.text)) <= 4 and phrase_key(row.text) == phrase_key(previous.text):
            message = f"repeats line {previous.index + 1}"
        elif _with_credit(previous.text, row.text, catalogue):
            message = f"repeats line {previous.index + 1} with a photo credit appended"
        else:
            continue
        result.add(Verdict(REPEATED, row.index, message, "delete-line", True))
        claimed.setdefault(k, REPEATED)


def _link_lists(rows: list[_Line], result: Analysis, claimed: dict[int, str], first: int, last: int) -> None:
    """NL106: headline lines under a list heading, and all-capitals promo headlines inside the body."""
    flagged: set[int] = set()
    for k, row in enumerate(rows):
        if row.entry is None or not row.entry.list_heading or k not in claimed:
            continue
        for j in range(k + 1, min(len(rows), k + 1 + MAX_LIST)):
            other = rows[j]
            if j in claimed:
                if other.entry is not None and other.entry.list_heading:
                    break  # the next list has its own heading
                continue
            if other.allowed or other.directive or not is_title_like(other.text, other.words):
                break
            if j not in flagged:
                flagged.add(j)
                result.add(Verdict(LINK_LIST, other.index, f"link title in the list under "
                                   f"{row.text.strip()[:40]!r} (line {row.index + 1})", "delete-line", False))
    for k in range(first + 1, last):
        row = rows[k]
        if k not in claimed and k not in flagged and not row.allowed and not row.directive \
                and is_caps_promo(row.text, row.words):
            flagged.add(k)
            result.add(Verdict(LINK_LIST, row.index, "all-capitals headline inside the body: a promoted link",
                               "delete-line", False))
    for k in flagged:
        claimed.setdefault(k, LINK_LIST)


def _clusters(rows: list[_Line], result: Analysis, claimed: dict[int, str]) -> None:
    """NL107: short non-sentence lines among known residue lines.

    Residue comes in blocks (a share bar, a newsletter box, a list of links, a
    footer). A block is a run of lines that are each known residue or short and
    sentence-less; when it holds known residue and at least two unexplained
    lines, and no more than three unexplained lines per known one, those lines
    are residue too. One short line next to an
    "Advertisement" is a subhead, and a list with no residue near it is body.
    Bylines and datelines belong to a block but are never reported.
    """
    block: list[int] = []

    def close() -> None:
        known = [j for j in block if j in claimed]
        unknown = [j for j in block if j not in claimed and not is_meta(rows[j].text)]
        # A list in the body with one known line near it is still a list: residue blocks are mostly residue.
        if known and len(unknown) >= 2 and 3 * len(known) >= len(unknown):
            for j in unknown:
                result.add(Verdict(CLUSTER, rows[j].index, f"short non-sentence line in a block of "
                                   f"residue (lines {rows[block[0]].index + 1}-{rows[block[-1]].index + 1})",
                                   "delete-line", False))
                claimed.setdefault(j, CLUSTER)

    for k, row in enumerate(rows):
        if row.allowed or row.directive:
            close()
            block = []
            continue
        if k in claimed or (not row.body and row.words <= CLUSTER_MAX_WORDS and is_link_like(row.text, row.words)):
            block.append(k)
            continue
        close()
        block = []
    close()
