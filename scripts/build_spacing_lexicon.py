#!/usr/bin/env python3
"""Build the compact word list the spacing rules (NL2xx) ship: plugins/data/spacing_lexicon.txt.gz.

Run once, by hand, when the word data should change; the result is committed
and shipped as package data, so newslint never needs wordfreq or symspellpy:

    .venv/bin/pip install wordfreq symspellpy      # build-time only, never a runtime dependency
    .venv/bin/python scripts/build_spacing_lexicon.py

Sources and licences (repeated in docs/rules-spacing.md and in the file's header):
- wordfreq 3.x "large" English list (code Apache-2.0, data CC-BY-SA-4.0, Robyn Speer):
  frequencies of words, names and brands as they occur in web, news, books,
  subtitles and Wikipedia text, frozen in 2021.
- SymSpell's frequency_dictionary_en_82_765.txt as shipped by symspellpy (MIT):
  82,765 English words, the intersection of Google Books Ngram counts and SCOWL;
  it has no web junk such as "ofthe", so it is the "clean" dictionary.

Format (ASCII text; see ``plugins/_spacing_lexicon.py`` for the reader):
    # comment lines
    =short
    <word>TAB<zipf code><clean flag>     words of 1-4 letters, sorted by code point
    =long
    <word>TAB<zipf code><clean flag>     words of 5+ letters, sorted by code point
The zipf code is chr(38 + round(zipf * 10)); the clean flag is "c" (in the clean
dictionary) or ".". Sorted lines let the reader bisect the text itself, so a
one-article run needs no parsing at all.
Words are lowercased, letters with at most one inner apostrophe (``don't``).

Web junk is dropped: word pairs that web text glues so often that wordfreq lists
them ("ofthe", "witha", "inthe"), i.e. a function word + function word that the
clean dictionary lacks. Without this, the rules would take them for real words.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

WORD = re.compile(r"^[a-z]+(?:'[a-z]+)?$")
OUT = Path(__file__).resolve().parent.parent / "plugins" / "data" / "spacing_lexicon.txt"
# Junk pairs: left part + right part, both function words, missing from the clean dictionary.
JUNK_LEFT = frozenset("of in on to for and at with from by is was are were that the this it if how even "
                      "along such just we i as into".split())
JUNK_RIGHT = frozenset("the a an his her this that you be is was with between though we their my our "
                       "your its have are".split())
NOT_JUNK = frozenset(["ather", "ither"])  # a brand and a dialect word, not glue
ZIPF_BASE = 38  # chr(ZIPF_BASE + zipf*10): printable ASCII for zipf 1.0 .. 8.8
MIN_ZIPF = 1.25  # words below this (about 1 in 50 million) are kept only if the clean dictionary has them
LONG = 5  # words of this many letters or more form the second block

HEADER = """\
# newslint spacing lexicon (NL2xx), built by scripts/build_spacing_lexicon.py
# Format: one word per line, TAB, its zipf frequency as chr(38 + zipf*10), then "c" if the word is in
#   the clean dictionary, else "."; words of 1-4 letters after "=short", the rest after "=long",
#   each block sorted by code point.
# Word frequencies: wordfreq {wordfreq_version} "large" English list, by Robyn Speer and contributors,
#   data licensed CC-BY-SA-4.0 (https://creativecommons.org/licenses/by-sa/4.0/); this file is an
#   adaptation of that data (filtered to letter-only words, rounded to 0.1 zipf) under the same licence.
# Clean dictionary: SymSpell frequency_dictionary_en_82_765.txt (symspellpy {symspellpy_version}, MIT licence,
#   Copyright (c) Wolf Garbe), derived from Google Books Ngram counts and SCOWL.
"""


def load_wordfreq() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    out: dict[str, float] = {}
    for word, freq in get_frequency_dict("en", "large").items():
        word = word.replace("\u2019", "'")
        if WORD.match(word) and freq > 0:
            out[word] = max(out.get(word, 0.0), math.log10(freq) + 9)
    return out


def load_symspell() -> dict[str, int]:
    import symspellpy

    path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and WORD.match(parts[0]):
            counts[parts[0]] = int(parts[1])
    return counts


def is_junk(word: str, clean: dict[str, int]) -> bool:
    if word in clean or word in NOT_JUNK or len(word) < 5:
        return False
    return any(word[:i] in JUNK_LEFT and word[i:] in JUNK_RIGHT for i in range(1, len(word)))


def build() -> str:
    from importlib.metadata import version

    zipf = load_wordfreq()
    clean = load_symspell()
    # SymSpell words that wordfreq lacks get a zipf from their own count, scaled on "the".
    offset = math.log10(clean["the"]) - zipf["the"]
    for word, count in clean.items():
        if word not in zipf:
            zipf[word] = max(1.0, math.log10(count) - offset)
    junk = sorted(w for w in zipf if is_junk(w, clean))
    for word in junk:
        del zipf[word]
    # The rarest words that are not in the clean dictionary (below 1 in 50 million words) are
    # mostly web junk and misspellings ("theday", "hesaid", "inwhich"); dropping them loses no
    # name the rules need and keeps the load fast.
    rare = [w for w, z in zipf.items() if w not in clean and z < MIN_ZIPF]
    for word in rare:
        del zipf[word]
    # Short words, then words of 5+ letters: a corpus run builds a set of the long block only
    # (unknown words are looked for among runs of 5+ letters).
    def line(w: str) -> str:
        return f"{w}\t{chr(ZIPF_BASE + min(88, max(10, round(zipf[w] * 10))))}{'c' if w in clean else '.'}"

    short = [line(w) for w in sorted(w for w in zipf if len(w) < LONG)]
    long = [line(w) for w in sorted(w for w in zipf if len(w) >= LONG)]
    header = HEADER.format(wordfreq_version=version("wordfreq"),
                           symspellpy_version=version("symspellpy"))
    header += (f"# {len(short) + len(long)} words; {len(junk)} web-junk pairs dropped: {' '.join(junk[:12])} ...;\n"
               f"#   {len(rare)} words rarer than zipf {MIN_ZIPF} and not in the clean dictionary dropped\n")
    text = header + "=short\n" + "\n".join(short) + "\n=long\n" + "\n".join(long) + "\n"
    assert text.isascii()
    return text


def main() -> int:
    text = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
