"""Find and repair mojibake: UTF-8 bytes that were decoded as Windows-1252 or Latin-1.

"don’t" stored as UTF-8 and read back as Windows-1252 becomes "donâ€™t": each
byte of the three-byte sequence E2 80 99 turns into one character. Mapping
those characters back to their bytes and decoding the bytes as UTF-8 restores
the text exactly, so the repair is certain when the characters form a valid
UTF-8 sequence and decode to a plausible character. Text decoded twice
("Ã¢â‚¬â„¢") is repaired by repeating the step.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterator, NamedTuple, Optional


class Damage(NamedTuple):
    """One damaged run of characters in a text."""

    start: int
    end: int
    damaged: str
    repaired: Optional[str]  # None when the original cannot be derived
    certain: bool  # the repair is exact and may be applied by --fix
    note: str


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, int], "re.Pattern[str]", "re.Pattern[str]", "re.Pattern[str]",
                       "re.Pattern[str]"]:
    """Character-to-byte map and the first-character, candidate, run and sequence patterns, built on first use."""
    to_byte: dict[str, int] = {}
    for b in range(0x80, 0x100):
        to_byte[chr(b)] = b  # Latin-1, and C1 controls for the bytes Windows-1252 leaves undefined
        try:
            to_byte[bytes([b]).decode("cp1252")] = b
        except UnicodeDecodeError:
            pass
    cont = "".join(re.escape(c) for c, b in to_byte.items() if 0x80 <= b <= 0xBF)
    lead2 = f"{re.escape(chr(0xC2))}-{re.escape(chr(0xDF))}"
    lead3 = f"{re.escape(chr(0xE0))}-{re.escape(chr(0xEF))}"
    lead4 = f"{re.escape(chr(0xF0))}-{re.escape(chr(0xF4))}"
    sequence = f"[{lead2}][{cont}]|[{lead3}][{cont}]{{2}}|[{lead4}][{cont}]{{3}}"
    # Candidates: a possible lead byte followed by possible continuation bytes,
    # U+FFFD, or C1 control characters. One character class first keeps the
    # scan fast; the few candidates ("é’" is one) are then parsed into real
    # UTF-8 sequences.
    candidate = re.compile(f"[{lead2}{lead3}{lead4}][{cont}]+|\ufffd+|[\x80-\x9f]+")
    # Most texts with non-ASCII characters have curly quotes and dashes only: one
    # search for a character that can start a candidate skips them ten times faster.
    first = re.compile(f"[{lead2}{lead3}{lead4}\\ufffd\\x80-\\x9f]")
    return to_byte, first, candidate, re.compile(f"(?:{sequence})+"), re.compile(sequence)


# Leads of two-byte sequences that real mojibake uses for Latin text: Â Ã
# (U+0080-U+00FF) and Ä Å (Latin Extended-A: ć, ł, š, ž). A single two-byte
# sequence with another lead is more often a capital letter before a symbol,
# as in "JOSÉ»" or "PERÚ’s", so it needs company to count.
_LATIN_LEADS = frozenset("ÂÃÄÅ")
_IMPLAUSIBLE = frozenset(("Cc", "Cn", "Co", "Cs"))


def _decode(chars: str, to_byte: dict[str, int]) -> Optional[str]:
    try:
        return bytes(to_byte[c] for c in chars).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None


def _plausible(decoded: str, sequences: list[str]) -> bool:
    if any(unicodedata.category(c) in _IMPLAUSIBLE for c in decoded):
        return False
    if len(sequences) == 1 and len(sequences[0]) == 2 and sequences[0][0] not in _LATIN_LEADS:
        return False
    return True


def repair(chars: str) -> Optional[str]:
    """The text ``chars`` was before it was mis-decoded, or None if it is not certain mojibake."""
    to_byte, _, _, _, sequence = _tables()
    sequences = sequence.findall(chars)
    if "".join(sequences) != chars:
        return None
    decoded = _decode(chars, to_byte)
    if decoded is None or not _plausible(decoded, sequences):
        return None
    # Decoded twice ("Ã¢â‚¬â„¢"): repeat while the result is itself mojibake.
    for _ in range(3):
        again = sequence.findall(decoded)
        if not again or "".join(again) != decoded:
            break
        twice = _decode(decoded, to_byte)
        if twice is None or not _plausible(twice, again):
            break
        decoded = twice
    return decoded


def find_damage(text: str) -> Iterator[Damage]:
    """Every run of mojibake or replacement characters in ``text``."""
    if text.isascii():
        return
    _, first_char, candidate, runs, _ = _tables()
    first_candidate = first_char.search(text)
    if first_candidate is None:
        return
    spans: list[list[int]] = []  # candidates, neighbours merged ("Ã©Ã©" is two candidates)
    for m in candidate.finditer(text, first_candidate.start()):
        first = m[0][0]
        if first == "\ufffd":
            yield Damage(m.start(), m.end(), m[0], None, False,
                         "replacement character U+FFFD: the original character was lost when the text was decoded")
        elif first <= "\x9f":
            yield _control_characters(m.start(), m[0])
        elif spans and spans[-1][1] == m.start():
            spans[-1][1] = m.end()
        else:
            spans.append([m.start(), m.end()])
    for start, end in spans:
        chunk = text[start:end]
        found = False
        for run in runs.finditer(chunk):
            fixed = repair(run[0])
            if fixed is not None:
                found = True
                yield _damage(start + run.start(), run[0], fixed)
            else:
                yield from _parts(start + run.start(), run[0])
        if not found and chunk == "â€":
            # E2 80 9D ("”") is undefined in Windows-1252 and its byte is often dropped.
            yield Damage(start, end, chunk, "”", False,
                         "UTF-8 read as Windows-1252 with a byte lost: probably a closing quote")


def _parts(offset: int, run: str) -> Iterator[Damage]:
    """The parts of a run that does not repair as a whole, joining neighbours that do."""
    sequence = _tables()[4]
    groups: list[list[int]] = []
    for m in sequence.finditer(run):
        if repair(m[0]) is None:
            continue
        if groups and groups[-1][1] == m.start():
            groups[-1][1] = m.end()
        else:
            groups.append([m.start(), m.end()])
    for start, end in groups:
        fixed = repair(run[start:end])
        if fixed is not None:
            yield _damage(offset + start, run[start:end], fixed)


def _control_characters(start: int, chars: str) -> Damage:
    """C1 controls: Windows-1252 text ("don\x92t") read as Latin-1. Text never uses them."""
    try:
        repaired: Optional[str] = chars.encode("latin-1").decode("cp1252")
    except UnicodeDecodeError:  # 81 8D 8F 90 9D have no Windows-1252 character
        repaired = None
    note = "Windows-1252 text read as Latin-1" if repaired else "control characters left by a decoding error"
    return Damage(start, start + len(chars), chars, repaired, repaired is not None, note)


def _damage(start: int, damaged: str, repaired: str) -> Damage:
    if repaired == "\ufeff":  # a byte-order mark read as "ï»¿": the repair removes it
        return Damage(start, start + len(damaged), damaged, "", True,
                      "a UTF-8 byte-order mark read as Windows-1252")
    return Damage(start, start + len(damaged), damaged, repaired, bool(repaired),
                  "UTF-8 read as Windows-1252")
