"""Text-shape measurements shared by the NL5xx rules: lines, words, sentences.

One pass over an article's lines gives everything NL501-NL503 and the
article metrics need, so the pass is cached for the article being checked
(the engine runs every rule on one article before moving to the next).
Only the standard library is used here: this module is on the hot path.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from newslint import Article

#: Characters that may end a sentence or a punctuated line. C4 keeps only
#: ``. ? ! " '``; news quotes end in curly quotes, guillemets and brackets too.
END_CHARS = frozenset(".!?\"'”’»)…。！？」』")

#: Stripped from both ends of a line before it is judged: whitespace, invisible
#: characters scrapers leave behind, and the pipes of flattened HTML tables.
STRIP = " \t\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
        "\u200b\u200c\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff|"

_WORD_CHAR = re.compile(r"\w")
_LETTER = re.compile(r"[^\W\d_]")
DIGIT = re.compile(r"\d")
#: A row of a table rather than a list item: figures, or a fixture ("Everton v Chelsea").
TABLE_ROW = re.compile(r"\d|\s(?:v|vs)\.?\s")

# Abbreviations and initials whose full stop is not a sentence end.
_ABBREVIATIONS = ("Mr Mrs Ms Dr Prof Sen Rep Gov Gen Lt Col Capt Sgt Rev St Mt Jr Sr No Nos Inc Corp Co "
                  "Ltd Jan Feb Aug Sep Sept Oct Nov Dec").split()
_CLOSERS = r"[\"'”’»)\]]*"
# After the end: the end of the text, or whitespace before something that is
# not a lowercase letter ("U.S. officials" is one sentence).
_THEN = r"(?=\s+[^\sa-z]|\s*\Z)"
# Each pattern starts with a literal character, so that the regex engine can
# skip to candidates quickly (a leading character class is 3-4x slower).
# A look-behind must have a fixed width, so the abbreviations are grouped by length.
_NOT_AFTER = "".join(
    r"(?<!\b(?:" + "|".join(a for a in _ABBREVIATIONS if len(a) == n) + r")\.)"
    for n in sorted({len(a) for a in _ABBREVIATIONS}))
_FULL_STOP = (
    r"\.(?:"
    + r"\.*" + _CLOSERS + r"(?=[ \t\r]*(?:\n|\Z))"  # at the end of a line: always an end
    + r"|\.{2,}(?=[\"“‘]?[A-Z])"  # an ellipsis run into the next sentence ("again....Brazil's"), a wire style
    + r"|(?<!\b[A-Z]\.)" + _NOT_AFTER + r"\.*" + _CLOSERS + _THEN  # elsewhere: not after an initial
    + ")")
_OTHER_END = "(?:[!?…]+" + _CLOSERS + _THEN + "|…(?=[\"“‘]?[A-Z]))"
_CJK_END = "[。！？]+[」』”’)]*"
FULL_STOP = re.compile(_FULL_STOP)
OTHER_END = re.compile(_OTHER_END)
CJK_END = re.compile(_CJK_END)

#: Three or four dots or "…" (optionally bracketed) ending a line; longer runs
#: are the dot leaders of a table ("PROPANE..........113/117"), not an ellipsis.
ELLIPSIS_END = re.compile(r"(?:(?<!\.)\.{3,4}|…)\]?$")

#: Scripts written without spaces between words (kana and CJK ideographs).
#: Compiled on first use: a wide character range takes milliseconds to compile.
_UNSPACED = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"


@lru_cache(maxsize=1)
def _unspaced() -> "re.Pattern[str]":
    return re.compile(_UNSPACED)


def count_unspaced(text: str) -> int:
    """Characters of ``text`` in scripts written without spaces."""
    return 0 if text.isascii() else len(_unspaced().findall(text))


#: Mean word length of Chinese text is close to two characters.
CHARS_PER_UNSPACED_WORD = 2

# Indexes into a line tuple: (start, text, words, punctuated). Plain tuples,
# because the shape pass runs on every line of every article.
START, TEXT, WORDS, PUNCTUATED = range(4)


def count_sentences(text: str, unpunctuated_lines: int) -> int:
    """Sentence ends in ``text``, plus the lines that end without one (headlines, list items)."""
    n = len(FULL_STOP.findall(text)) + unpunctuated_lines
    if "!" in text or "?" in text or "…" in text:
        n += len(OTHER_END.findall(text))
    if not text.isascii() and ("。" in text or "！" in text or "？" in text):
        n += len(CJK_END.findall(text))
    return n


class Shape:
    """The measurements of one article's text.

    ``lines`` holds one tuple ``(start, text, words, punctuated)`` for each
    line with a word character: the raw line's offset in the article, the line
    stripped of STRIP characters, its whitespace-separated words, and whether
    it ends with one of END_CHARS. Blank lines and separators ("- - -", "| |")
    are left out.
    """

    __slots__ = ("lines", "words", "sentences", "punctuated_lines")

    def __init__(self, lines: list[tuple[int, str, int, bool]], words: int, sentences: int,
                 punctuated_lines: int) -> None:
        self.lines = lines
        self.words = words
        self.sentences = sentences
        self.punctuated_lines = punctuated_lines

    @property
    def end_punctuation_share(self) -> float:
        """Share of lines that end with end punctuation (1.0 for an empty text)."""
        return self.punctuated_lines / len(self.lines) if self.lines else 1.0

    def last_line_with_letters(self) -> Optional[tuple[int, str, int, bool]]:
        for line in reversed(self.lines):
            text = line[TEXT]
            if text.startswith("<!--") and text.endswith("-->"):
                continue  # a suppression comment or other markup, not text
            if _LETTER.search(text):
                return line
        return None

    @staticmethod
    def offset_of(line: tuple[int, str, int, bool], article: Article) -> int:
        """Offset of the stripped line text in ``article.text``."""
        return article.text.find(line[TEXT], line[START])


def count_words(text: str) -> int:
    """Whitespace-separated tokens, with unspaced scripts counted by characters."""
    return len(text.split()) + count_unspaced(text) // CHARS_PER_UNSPACED_WORD


def measure(text: str) -> Shape:
    """One pass over ``text``: its content lines, words and sentences."""
    lines: list[tuple[int, str, int, bool]] = []
    append = lines.append
    word_char = _WORD_CHAR.search
    end_chars, strip = END_CHARS, STRIP
    words = punctuated_lines = 0
    position = 0
    for raw in text.split("\n"):
        start = position
        position += len(raw) + 1
        stripped = raw.strip(strip)
        if not stripped or not (stripped[0].isalnum() or word_char(stripped)):
            continue  # blank, or a separator such as "- - -" or "| |"
        n = len(stripped.split())
        words += n
        punctuated = stripped[-1] in end_chars
        punctuated_lines += punctuated
        append((start, stripped, n, punctuated))
    words += count_unspaced(text) // CHARS_PER_UNSPACED_WORD
    sentences = count_sentences(text, len(lines) - punctuated_lines)
    return Shape(lines, words, max(sentences, 1 if lines else 0), punctuated_lines)


# The engine checks one article with every rule before it reads the next, so
# a one-entry cache lets NL501-NL503 share a single pass. The cache keeps a
# strong reference, so a new article can never reuse the cached one's id.
_cache: list = [None, None]


def shape_of(article: Article) -> Shape:
    """The article's :class:`Shape`, computed once, with its metrics recorded."""
    if _cache[0] is article:
        return _cache[1]
    shape = measure(article.text)
    _cache[0], _cache[1] = article, shape
    article.add_metric("words", shape.words)
    article.add_metric("sentences", shape.sentences)
    article.add_metric("end_punctuation_share", round(shape.end_punctuation_share, 4))
    return shape


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end in ``text``, in order."""
    ends = [m.end() for m in FULL_STOP.finditer(text)]
    if "!" in text or "?" in text or "…" in text:
        ends += [m.end() for m in OTHER_END.finditer(text)]
        ends.sort()
    if not text.isascii() and ("。" in text or "！" in text or "？" in text):
        ends += [m.end() for m in CJK_END.finditer(text)]
        ends.sort()
    return ends


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in one line of text, surrounding spaces excluded."""
    spans = []
    begin = 0
    for end in sentence_ends(text) + [len(text)]:
        if end <= begin:
            continue  # "?!" found by two patterns, or a last sentence already closed
        segment = text[begin:end]
        if segment.strip():
            spans.append((begin + len(segment) - len(segment.lstrip()), end - len(segment) + len(segment.rstrip())))
        begin = end
    return spans
