"""The word data of the spacing rules: loaded once, lazily, in well under 100 ms.

``data/spacing_lexicon.txt`` (built by ``scripts/build_spacing_lexicon.py`` from
wordfreq's CC-BY-SA-4.0 data and SymSpell's MIT dictionary) holds 300k words
sorted by code point, one zipf code and one clean flag per word. Building a
dict of 300k entries would cost 80 ms, so only a ``frozenset`` is built (for
the bulk "is this word attested?" test, a C-level set difference per article)
and the frequency of the few candidate words is found by bisection.
"""

from __future__ import annotations

import bisect
import functools
from pathlib import Path
from typing import Iterable, Optional

DATA = Path(__file__).parent / "data" / "spacing_lexicon.txt"
ZIPF_BASE = 38


class Lexicon:
    """Word frequencies (zipf scale, 1.0 .. 8.8) and the clean-dictionary flag."""

    __slots__ = ("words", "codes", "flags", "attested", "extra")

    def __init__(self, words: list[str], codes: str, flags: str) -> None:
        self.words = words
        self.codes = codes
        self.flags = flags
        self.attested = frozenset(words)
        self.extra: frozenset[str] = frozenset()

    @classmethod
    def from_text(cls, text: str) -> "Lexicon":
        body = text[text.index("\nZ") + 1:] if not text.startswith("Z") else text
        codes_line, flags_line, words = body.split("\n", 2)
        words_list = words.split("\n")
        if words_list and words_list[-1] == "":
            words_list.pop()
        lexicon = cls(words_list, codes_line[1:], flags_line[1:])
        if not (len(lexicon.codes) == len(lexicon.flags) == len(words_list)):
            raise ValueError(f"{DATA.name}: corrupt word list ({len(words_list)} words, "
                             f"{len(lexicon.codes)} codes)")
        return lexicon

    def with_extra(self, words: Iterable[str]) -> "Lexicon":
        """A copy that also knows the user's allowed words (attested, never split)."""
        copy = Lexicon.__new__(Lexicon)
        copy.words, copy.codes, copy.flags = self.words, self.codes, self.flags
        copy.extra = frozenset(w.lower() for w in words)
        copy.attested = self.attested | copy.extra
        return copy

    def _index(self, word: str) -> Optional[int]:
        i = bisect.bisect_left(self.words, word)
        return i if i < len(self.words) and self.words[i] == word else None

    def zipf(self, word: str) -> float:
        """The word's zipf frequency (0.0 when unknown); ``word`` must be lowercase."""
        i = self._index(word)
        if i is None:
            return 3.0 if word in self.extra else 0.0
        return (ord(self.codes[i]) - ZIPF_BASE) / 10

    def is_clean(self, word: str) -> bool:
        """Is the lowercase word in the clean dictionary (no names, no web junk)?"""
        i = self._index(word)
        return i is not None and self.flags[i] == "c"


@functools.lru_cache(maxsize=1)
def load() -> Lexicon:
    """The shipped lexicon, read once per process."""
    return Lexicon.from_text(DATA.read_text(encoding="utf-8"))
