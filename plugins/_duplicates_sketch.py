"""Normalising and sketching one article for the duplicate rules (NL4xx).

A sketch is what ``collect`` keeps of an article: an exact key, the hash of
every word 5-gram (for exact verification of a candidate pair), the winnowed
fingerprints (for finding candidates), where each kept line starts, and the
figures and dates the text writes. It is a tuple of ints and ``bytes`` (little-endian
uint32 arrays): small, picklable and cheap to store on disk.

Speed matters here (the bar is 10 MB/s on one core, in pure Python), so the
per-token work runs in C: the text is tokenised with ``bytes.translate`` and
``bytes.split``, token ids come from ``zlib.crc32``, and the 5-gram hashes and
the sliding-window minimum of winnowing are computed on whole arrays at once
by packing them into one big integer (SIMD within a register): one
multiplication by the five multipliers, each in its own lane, gives every gram
hash, and three lane-wise minimum steps give the minimum of every window of 8.
All hashes are plain integer arithmetic, so a sketch is the same on every
platform and Python version (the on-disk index relies on that).
"""

from __future__ import annotations

import sys
import unicodedata
import zlib
from array import array
from functools import lru_cache
from hashlib import blake2b
from itertools import compress
from typing import Callable, NamedTuple, Optional

#: Stored in the on-disk index; bump it whenever the sketch of a text changes.
SKETCH_VERSION = 4
#: Words per shingle and the winnowing window: every shared run of K + W - 1 = 12
#: words yields at least one shared fingerprint.
K = 5
W = 8

_BIG_ENDIAN = sys.byteorder == "big"
assert array("I").itemsize == 4, "newslint needs a 4-byte unsigned int array type"

# ASCII letters and digits, every byte of a UTF-8 multi-byte character, and the
# line break survive; all other ASCII bytes (punctuation, quotes, spaces) become
# spaces. Non-ASCII punctuation is blanked before encoding (see _fold_non_word).
_TABLE = bytes(c if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c >= 128 or c == 10) else 32
               for c in range(256))
_ASCII = bytes(range(128))

# Odd 29-bit multipliers of the lane-wise gram hash; 5 products of 29-bit values
# stay below 2**61, so no lane ever carries into its neighbour.
_C0, _C1, _C2, _C3, _C4 = 0x1B873593, 0x0CC9E2D5, 0x165667B1, 0x0D3A2645, 0x1D7046C5
_GRAM_MULTIPLIER = _C4 | _C3 << 64 | _C2 << 128 | _C1 << 192 | _C0 << 256
_M29 = 0x1FFFFFFF
_M31 = 0x7FFFFFFF
_BUCKET = 64          # lanes per mask bucket
_CACHED_BUCKETS = 128  # masks for up to 8,192 tokens are cached (about 10 MB at most)


class Sketch(NamedTuple):
    """The compact summary of one article that the duplicate rules compare."""

    #: Signed 64-bit hash of the normalised token sequence: equal for exact duplicates.
    key: int
    #: Number of normalised word tokens (residue lines excluded).
    tokens: int
    #: uint32 hash of every word 5-gram, in text order.
    grams: bytes
    #: Sorted unique winnowed fingerprints (31-bit), the keys of the inverted index.
    fingerprints: bytes
    #: For each kept line that has words: the index of its first token ...
    line_starts: bytes
    #: ... and its 1-based line number in the article's text.
    line_numbers: bytes
    #: Sorted unique hashes of the figures (numbers) the text writes.
    figures: bytes
    #: Positions of those all-digit tokens.
    figure_tokens: bytes
    #: Bit d set when weekday d (Monday = 0) is named in the first LEAD_WORDS words: the news day.
    weekdays: int = 0
    #: The calendar dates the text writes (month * 32 + day), in the order of first mention.
    dates: bytes = b""


def u32(data: bytes) -> array:
    """A stored little-endian uint32 array as an ``array('I')``."""
    values = array("I")
    values.frombytes(data)
    if _BIG_ENDIAN:
        values.byteswap()
    return values


def pack_u32(values: array) -> bytes:
    """An ``array('I')`` as little-endian bytes."""
    if _BIG_ENDIAN:
        values = array("I", values)
        values.byteswap()
    return values.tobytes()


@lru_cache(maxsize=None)
def _residue_filter() -> Optional[Callable[[list[str]], list[bool]]]:
    """The residue plugin's whole-line test for an article's lines, when the plugin is
    installed: copies differing only in residue lines (share buttons, captions,
    "Advertisement") are then exact copies."""
    try:
        from newslint_plugins import residue
    except ImportError:
        return None
    test = residue.is_residue_line
    one_by_one = lambda lines: [_is_residue(test, line) for line in lines]  # noqa: E731
    flags = getattr(residue, "residue_line_flags", None)
    if flags is None:  # an older residue plugin
        return one_by_one
    return _Switch(one_by_one, flags, getattr(residue, "shared_residue_lines", None))


class _Switch:
    """The line-by-line test for a process's first articles, then the whole-article one.

    Both give the same verdicts; the whole-article test is faster per article but
    builds its shortcuts first (about 0.1 s), which a pre-commit run of a few
    articles would only pay for.
    """

    AFTER = 500

    def __init__(self, first: Callable[[list[str]], list[bool]], then: Callable[[list[str]], list[bool]],
                 shared: Optional[Callable[[str], Optional[list[int]]]] = None) -> None:
        self.first, self.then, self.calls = first, then, 0
        #: The residue lines the residue rules found in a text they just checked, if any (same answers).
        self.shared = shared

    def __call__(self, lines: list[str]) -> list[bool]:
        self.calls += 1
        return (self.first if self.calls <= self.AFTER else self.then)(lines)


#: Lines with more words than this are prose, never dropped as residue (whole-line residue is
#: short: 97% of the lines the residue catalogue flags in labelled scraped articles have fewer).
RESIDUE_MAX_WORDS = 40
#: ... and than this many characters (the cheap test first: most lines are shorter).
PROSE_CHARS = 12 * RESIDUE_MAX_WORDS
_RESIDUE_CACHE: dict[str, bool] = {}
_RESIDUE_CACHE_SIZE = 200_000


def _is_residue(test: Callable[[str], bool], line: str) -> bool:
    # Residue repeats (share rows, "Advertisement", newsletter prompts): remember the answers.
    known = _RESIDUE_CACHE.get(line)
    if known is not None:
        return known
    if not line.strip():
        return False
    try:
        answer = bool(test(line))
    except Exception:  # a failing heuristic must not lose the article
        answer = False
    if len(_RESIDUE_CACHE) >= _RESIDUE_CACHE_SIZE:
        _RESIDUE_CACHE.clear()
    _RESIDUE_CACHE[line] = answer
    return answer


def _is_prose(line: str) -> bool:
    """Whether a line is too long to be whole-line residue: it stays whatever the residue test says."""
    return len(line) > PROSE_CHARS and len(line.split()) > RESIDUE_MAX_WORDS


def _residue_lines(flags: Callable[[list[str]], list[bool]], lines: list[str]) -> list[bool]:
    # Prose lines are blanked rather than tested: a blank line is never residue, and the
    # residue test's verdict on a line does not depend on the others.
    try:
        # (``_is_prose`` written out, not called: this runs on every line of a corpus.)
        return list(flags(["" if len(line) > PROSE_CHARS and len(line.split()) > RESIDUE_MAX_WORDS else line
                           for line in lines]))
    except Exception:  # a failing heuristic must not lose the article
        return [False] * len(lines)


def _fold_non_word(norm: str) -> str:
    """``norm`` with every non-ASCII character that is not a letter or digit (curly quotes,
    dashes, bullets, non-ASCII spaces) turned into a space: folding them all to a separator is
    what "fold quotes and dashes" needs for word tokens."""
    # A text holds a handful of distinct non-ASCII characters: finding them with C-speed byte
    # operations and replacing each is 5-10x faster than a Unicode-class regex over the text.
    others = norm.encode("utf-8").translate(None, _ASCII).decode("utf-8")
    for char in set(others):
        if not char.isalnum():  # what ``\w`` means for a non-ASCII character
            norm = norm.replace(char, " ")
    return norm


def normalise(text: str, drop_residue: bool = True) -> tuple[list[bytes], array, array]:
    """Word tokens (NFKC, case-folded, quotes and dashes folded away), and the first
    token and number of each kept line."""
    norm = unicodedata.normalize("NFKC", text).casefold()
    if not norm.isascii():
        norm = _fold_non_word(norm)
    raw_lines = norm.encode("utf-8").translate(_TABLE).split(b"\n")
    keep = None
    flags = _residue_filter() if drop_residue else None
    shared = getattr(flags, "shared", None)
    known = shared(text) if shared is not None else None  # a check: the residue rules just tested them
    if known or (known is None and flags is not None):  # (no residue line known: nothing to drop)
        originals = text.split("\n")
        if len(originals) == len(raw_lines):  # NFKC never adds or removes a line break
            if known:
                keep = [True] * len(originals)
                for i in known:
                    keep[i] = _is_prose(originals[i])
            else:
                keep = [not flag for flag in _residue_lines(flags, originals)]
    tokens: list[bytes] = []
    starts = array("I")
    numbers = array("I")
    for number, line in enumerate(raw_lines, 1):
        words = line.split()
        if words and (keep is None or keep[number - 1]):
            starts.append(len(tokens))
            numbers.append(number)
            tokens += words
    return tokens, starts, numbers


@lru_cache(maxsize=_CACHED_BUCKETS)
def _masks_cached(buckets: int) -> tuple[int, int, int]:
    return _make_masks(buckets * _BUCKET)


def _make_masks(lanes: int) -> tuple[int, int, int]:
    """(29-bit mask per 64-bit lane, and per 32-bit lane: 31-bit mask, guard bit)."""
    one64 = int.from_bytes(b"\x01\x00\x00\x00\x00\x00\x00\x00" * lanes, "little")
    one32 = int.from_bytes(b"\x01\x00\x00\x00" * lanes, "little")
    return one64 * _M29, one32 * _M31, one32 << 31


def _masks(lanes: int) -> tuple[int, int, int]:
    buckets = -(-lanes // _BUCKET)
    if buckets <= _CACHED_BUCKETS:
        return _masks_cached(buckets)
    return _make_masks(buckets * _BUCKET)


def _to_int(values: array) -> int:
    return int.from_bytes(pack_u32(values), "little")


def _from_int(value: int, count: int) -> array:
    return u32(value.to_bytes(4 * count, "little"))


def gram_hashes(ids: array) -> array:
    """uint32 hash of every window of K token ids, in order."""
    n = len(ids)
    if n < K:
        return array("I")
    l29, _, _ = _masks(n)
    wide = array("I", bytes(8 * n))  # each id in the low half of a 64-bit lane
    wide[::2] = ids
    x = _to_int(wide) & l29
    # One multiplication by the five multipliers in five lanes: lane i + 4 of the product is
    # _C0 * x[i] + _C1 * x[i + 1] + ... + _C4 * x[i + 4], the hash of the gram starting at i.
    h = x * _GRAM_MULTIPLIER
    # Bits 24..55 of each lane: the best-mixed part of the multiply-add.
    lanes = _from_int(h >> (4 * 64 + 24), 2 * n)
    return lanes[0:2 * (n - K + 1):2]


def winnow(grams: array) -> array:
    """Sorted unique minima (of the 31-bit gram hashes) over every window of W grams."""
    count = len(grams)
    if count == 0:
        return array("I")
    if count < W:
        return array("I", [min(grams) & _M31])
    _, l31, guard = _masks(count)
    m = _to_int(grams) & l31
    for shift in (32, 64, 128):  # minimum over windows of 2, then 4, then 8 lanes
        b = m >> shift
        ge = ((m | guard) - b) & guard  # bit 31 set in lanes where m >= b
        pick_b = ge - (ge >> 31)  # ... and those lanes all ones
        m ^= (m ^ b) & pick_b
    windows = count - W + 1
    minima = _from_int(m, count)[:windows]
    return array("I", sorted(set(minima)))


def figure_positions(tokens: list[bytes]) -> array:
    """Positions of the all-digit tokens: "82.2" gives 82 and 2, "$84,000" 84 and 000."""
    return array("I", compress(range(len(tokens)), map(bytes.isdigit, tokens)))


def figures_of(ids: array, positions: array) -> array:
    """Sorted unique hashes (token ids) of the figures at ``positions``."""
    return array("I", sorted(set(map(ids.__getitem__, positions))))


#: The lead (where a news report names its day: "said on Friday") is this many words long.
LEAD_WORDS = 100
#: Token ids of the weekday names, as the 4 bytes a packed id array holds. None of the 76,781
#: distinct tokens of the perf corpus has a weekday's crc32 but the weekday itself.
_WEEKDAYS = [(zlib.crc32(name.encode()).to_bytes(4, "little"), 1 << day) for day, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))]


def weekdays_of(ids: array) -> int:
    """Bit d set when weekday d (Monday = 0) is named in the first LEAD_WORDS tokens."""
    # Seven substring searches in the packed ids: a set of the first 100 ids would make 100
    # int objects per article.
    lead = pack_u32(ids[:LEAD_WORDS])
    mask = 0
    for name, bit in _WEEKDAYS:
        at = lead.find(name)
        while at >= 0:
            if not at & 3:  # a whole id, not the end of one and the start of the next
                mask |= bit
                break
            at = lead.find(name, at + 1)
    return mask


#: Month names and their abbreviations, as case-folded tokens, to the month's number.
_MONTHS = {name.encode(): month for month, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")), 1) for name in names}
#: Dates kept per article at most (a text naming more is a table or a calendar).
MAX_DATES = 64


def dates_of(tokens: list[bytes], positions: array) -> array:
    """The calendar dates written as a month name and a day ("April 2", "2 April", "Nov. 27"), as
    month * 32 + day, each once, in the order of their first mention.

    ``positions`` are those of the all-digit tokens (``figure_positions``): a text has far fewer
    of them than words, so this looks at a few tokens per article."""
    months = _MONTHS
    found: dict[int, None] = {}
    last = len(tokens) - 1
    for p in positions:
        day = tokens[p]
        if len(day) > 2:
            continue
        month = months.get(tokens[p - 1]) if p else None
        if month is None and p < last:
            month = months.get(tokens[p + 1])
        if month is not None and 1 <= int(day) <= 31:
            found[month * 32 + int(day)] = None
            if len(found) == MAX_DATES:
                break
    return array("I", found)


def sketch_text(text: str, drop_residue: bool = True) -> Sketch:
    """The sketch of an article's text."""
    tokens, starts, numbers = normalise(text, drop_residue)
    ids = array("I", list(map(zlib.crc32, tokens)))
    key = int.from_bytes(blake2b(pack_u32(ids), digest_size=8).digest(), "little", signed=True)
    grams = gram_hashes(ids)
    figures = figure_positions(tokens)
    return Sketch(key, len(tokens), pack_u32(grams), pack_u32(winnow(grams)),
                  pack_u32(starts), pack_u32(numbers), pack_u32(figures_of(ids, figures)),
                  pack_u32(figures), weekdays_of(ids), pack_u32(dates_of(tokens, figures)))
