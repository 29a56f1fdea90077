"""The word data of the spacing rules: ready in a few milliseconds, fast on a corpus.

``data/spacing_lexicon.txt`` (built by ``scripts/build_spacing_lexicon.py`` from
wordfreq's CC-BY-SA-4.0 data and SymSpell's MIT dictionary) holds 230k words,
one per sorted line with its zipf frequency and clean-dictionary flag, in two
blocks: words shorter than 5 letters, then the rest.

Parsing 230k lines into a dict or a set costs 50-80 ms, which a pre-commit hook
would pay on every commit. So the text itself is searched by bisection over its
lines (a few microseconds a word), and only once a run has looked up enough
words to be a corpus run is a ``frozenset`` of the long block built, for the
bulk "which of this article's words are unknown?" test (a C-level set difference).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Iterable, Optional

DATA = Path(__file__).parent / "data" / "spacing_lexicon.txt"
ZIPF_BASE = 38
LONG = 5
#: After this many single-word lookups, building the set (about 60 ms) pays for itself.
SET_AFTER = 20_000


def _find(block: str, word: str) -> Optional[str]:
    """The two code characters of ``word`` in a sorted block of "word<TAB>code" lines, or None."""
    lo, hi = 0, len(block)  # both always at the start of a line (or the end of the block)
    while lo < hi:
        mid = (lo + hi) // 2
        start = block.rfind("\n", lo, mid) + 1 or lo
        if start < lo:
            start = lo
        tab = block.index("\t", start)
        found = block[start:tab]
        if found < word:
            lo = tab + 4  # past "<TAB><code><flag><newline>"
        elif found > word:
            hi = start
        else:
            return block[tab + 1:tab + 3]
    return None


class Lexicon:
    """Word frequencies (zipf scale, 1.0 .. 8.8) and the clean-dictionary flag of lowercase words."""

    def __init__(self, short: str, long: str) -> None:
        self.short = short
        self.long = long
        self._set: Optional[frozenset[str]] = None
        self._lookups = 0
        self._memo: dict[str, Optional[str]] = {}

    @classmethod
    def from_text(cls, text: str) -> "Lexicon":
        i = text.index("\n=short\n") + 8
        j = text.index("\n=long\n")
        return cls(text[i:j + 1], text[j + 7:])

    def _code(self, word: str) -> Optional[str]:
        code = self._memo.get(word, "")
        if code == "":
            code = _find(self.long if len(word) >= LONG else self.short, word)
            if len(self._memo) > 200_000:
                self._memo.clear()
            self._memo[word] = code
        return code

    @property
    def attested(self) -> frozenset[str]:
        """Every known word of 5+ letters, as a set (built on first use: about 60 ms)."""
        if self._set is None:
            self._set = frozenset(re.findall(r"^[^\t\n]+", self.long, re.M))
        return self._set

    def knows(self, word: str) -> bool:
        """Is the lowercase word in the word data?"""
        if self._set is not None and len(word) >= LONG:
            return word in self._set
        return self._code(word) is not None

    def unknown(self, words: Iterable[str]) -> set[str]:
        """The words of 5+ letters (lowercase) that the word data lacks."""
        if self._set is None:
            words = list(words)
            self._lookups += len(words)
            if self._lookups < SET_AFTER:
                return {w for w in words if _find(self.long, w) is None}
        return set(words) - self.attested

    def zipf(self, word: str) -> float:
        """The word's zipf frequency (0.0 when unknown); ``word`` must be lowercase."""
        code = self._code(word)
        return 0.0 if code is None else (ord(code[0]) - ZIPF_BASE) / 10

    def is_clean(self, word: str) -> bool:
        """Is the lowercase word in the clean dictionary (no names, no web junk)?"""
        code = self._code(word)
        return code is not None and code[1] == "c"


@functools.lru_cache(maxsize=1)
def load() -> Lexicon:
    """The shipped lexicon, read once per process."""
    return Lexicon.from_text(DATA.read_text(encoding="ascii"))
