"""Paragraphs, quoted speech, sentences and tokens, computed lazily around attribution cues.

Only paragraphs that contain a cue are split, so the cost of an article is the
cue scan plus a little work per cue, not a full parse of every sentence.
"""

from __future__ import annotations

import bisect
from typing import Optional

import regex

# A sentence ends at . ! or ? (closing quotes and brackets may follow) before
# whitespace and an upper-case letter or digit, possibly behind an opening quote.
_BOUNDARY = regex.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]*[A-Z0-9])")
_QUOTE = regex.compile(r"[\"“”«»]")
#: Words after which a full stop does not end a sentence (compared without the stop).
ABBREVIATIONS = frozenset("""
mr mrs ms dr sen rep gov gen lt col sgt capt prof st jr sr co corp inc ltd no vol vs
jan feb aug sept sep oct nov dec mt ft rev hon pres supt det insp cmdr adm maj brig atty
cpl pvt ave blvd rd messrs mme mlle dept univ assn bros est approx fig op ca cf al
""".split())
_INITIALS = regex.compile(r"(?:[A-Za-z]\.)+$")  # U.S. p.m. J. (initials and dotted acronyms)

#: Dotted acronyms (U.S., p.m.), words with inner apostrophes and hyphens (People's,
#: hit-or-miss), or one punctuation mark. A full stop after a word is a token of its own.
TOKEN = regex.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:['’&/\-]\w+|\.\w+)*|[^\w\s]")


class Paragraph:
    """One line of the article (a paragraph in news text), with its quotes and sentences."""

    __slots__ = ("start", "end", "quotes", "quote_starts", "quote_ends", "sentences")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.start = start
        self.end = end
        self.quotes = quote_spans(text, start, end)
        self.quote_starts = [s for s, _ in self.quotes]
        self.quote_ends = [e for _, e in self.quotes]
        self.sentences = sentence_starts(text, start, end)

    def in_quote(self, pos: int) -> bool:
        # Binary search: a scraped page can be one paragraph with thousands of quotes.
        i = bisect.bisect_left(self.quote_starts, pos) - 1
        return i >= 0 and pos < self.quotes[i][1]

    def sentence(self, pos: int) -> tuple[int, int]:
        """The sentence (start, end) around ``pos``."""
        starts = self.sentences
        i = bisect.bisect_right(starts, pos) - 1
        end = starts[i + 1] if i + 1 < len(starts) else self.end
        return starts[i], end

    def last_quote_end(self, lo: int, hi: int) -> Optional[int]:
        """The end of the last quotation that closes in (lo, hi]."""
        i = bisect.bisect_right(self.quote_ends, hi) - 1
        if i >= 0 and self.quote_ends[i] > lo:
            return self.quote_ends[i]
        return None

    def next_quote_start(self, lo: int, hi: int) -> int:
        i = bisect.bisect_left(self.quote_starts, lo)
        return min(self.quote_starts[i], hi) if i < len(self.quote_starts) else hi


def quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quoted stretches of text[start:end] as (open, close + 1); an unclosed quote runs to the end.

    Curly quotes pair by direction, straight ones by parity; single quotes are
    left alone because the same characters are apostrophes.
    """
    spans = []
    opened = None
    for m in _QUOTE.finditer(text, start, end):
        ch, pos = m.group(), m.start()
        if ch in "“«":
            if opened is None:
                opened = pos
        elif ch in "”»":
            if opened is not None:
                spans.append((opened, pos + 1))
                opened = None
        elif opened is None:
            opened = pos
        else:
            spans.append((opened, pos + 1))
            opened = None
    if opened is not None:
        spans.append((opened, end))
    return spans


def sentence_starts(text: str, start: int, end: int) -> list[int]:
    """Offsets where the sentences of text[start:end] begin (the first is ``start``)."""
    starts = [start]
    for m in _BOUNDARY.finditer(text, start, end):
        dot = m.start()
        word_start = text.rfind(" ", start, dot) + 1 or start
        word = text[max(word_start, start):dot + 1].lstrip("\"“‘'([")
        closing = text[dot + 1:m.end()].strip()
        if not closing and (word[:-1].lower() in ABBREVIATIONS or _INITIALS.match(word)):
            continue
        starts.append(m.end())
    return starts


def paragraph_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    if end == -1:
        end = len(text)
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def tokens(text: str, start: int, end: int) -> list:
    """The tokens of text[start:end] as (token, start, end) with absolute offsets."""
    return [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text, start, end)]
