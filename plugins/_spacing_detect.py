"""Find missing spaces ("glue") in one article's text: candidates by compiled patterns, then rules.

Each generator scans the whole text with one compiled pattern and does Python
work only on its (rare) hits. A hit is judged on its whitespace-delimited
token, the two words around the seam and the word data, and becomes a
:class:`Glue` with a confidence tier:

* ``HIGH``: unambiguous glue; the fix (one space at each seam) is safe;
* ``MEDIUM``: probable glue; the fix is offered as unsafe;
* ``LOW``: plausible glue, reported (as ``MEDIUM``) only in an article that has
  several certain seams already (at least 3, and one per 200 words or so), i.e.
  one extracted without separators.

Tokens that are URLs, e-mail addresses, handles, hashtags, paths, code or
tickers are never split, and a mixed-case or unknown Title-case word that
occurs twice in an article is taken for a name. An article that already has
several certain seams was extracted without separators, so there generic
Title+Title camel case ("EconomySport") is reported too (always in strict mode).
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, NamedTuple, Optional

from . import _spacing_lexicon
from ._spacing_words import (BOILERPLATE_PARTS, COMPOUND_PREFIXES, CREDIT_PARTS, EXCHANGES, EXTENSIONS,
                             GLUE_LEFT_TITLE, IRREGULAR_PAST, LOWER_LEFT_GLUE, MASTHEADS, MONTHS,
                             NAME_ENDINGS, NAME_PREFIXES, PARTICIPLES, PREFIX_GLUE, SENTENCE_STARTERS,
                             SHORT_PREFIX_GLUE, SHORT_SUFFIX_GLUE, STARTERS_BRANDS_USE, SUFFIX_GLUE,
                             TECH_CAPS, TITLE_PREFIX_GLUE, WEEKDAYS)

HIGH, MEDIUM, LOW = 2, 1, 0
SENTENCE, QUOTE, MASTHEAD, CAMEL, WORDS = "sentence", "quote", "masthead", "camel", "words"

#: An article with this many certain seams was scraped without separators.
GLUED_DOCUMENT = 3
#: ... and at least one per this many characters (about 200 words).
GLUED_DENSITY = 1200
#: Generic camel case counts only this close (in characters) to other glue.
NEAR = 80
#: Share of unknown words above which a text is not English (or not text): no word splitting there.
FOREIGN_SHARE = 0.25


class Glue(NamedTuple):
    """One glued token: its kind, its span in the text, where spaces belong, its tier, a message."""

    start: int
    end: int
    kind: str
    seams: tuple[int, ...]
    tier: int
    message: str


class Settings(NamedTuple):
    """The user's options, prepared once per run."""

    allow: frozenset  # lowercase words never split
    mastheads: dict  # last word of a masthead -> the mastheads ending with it
    strict: bool


def make_settings(allow: Iterable[str] = (), mastheads: Iterable[str] = (), strict: bool = False) -> Settings:
    by_last: dict[str, list[str]] = {}
    names = {" ".join(name.split()) for name in (*MASTHEADS, *mastheads)}
    names |= {name[4:] for name in names if name.startswith("The ") and " " in name[4:]}  # "the Daily Bugle"
    for name in names:
        if name:
            by_last.setdefault(name.split()[-1], []).append(name)
    for names in by_last.values():
        names.sort(key=len, reverse=True)
    return Settings(frozenset(w.lower() for w in allow), by_last, strict)


# -- compiled scanners ---------------------------------------------------------------------------
PUNCT_CHARS = ".!?,;:)]\"“”’‘(["


class Patterns:
    """The compiled scanners, built on first use so that importing the plugin stays cheap.

    Each scanner starts with a character class and has no alternation, so the engine skips
    ahead fast; the rest of a seam is read in Python. (The `regex` module runs some of these
    faster, but importing it costs 25-30 ms, more than it saves on a one-article run.)
    """

    def __init__(self) -> None:
        # The last punctuation mark of a run glued to a letter: "attack.The", "said.\"We", "GETTY)According".
        self.punct = re.compile(r"[.!?,;:)\]\"“”(’‘][A-Za-z]")
        # A numbered item glued to a sentence: "warned.2."
        self.numbered = re.compile(r"[.!?][\"”]?[0-9]{1,2}\.(?:\s|$)")
        # A credit glued to a counter: "(AP)2 of 4".
        self.paren_digit = re.compile(r"\)[0-9]")
        # A digit glued to a letter: "2013that", "2019We".
        self.digit = re.compile(r"[0-9][A-Za-z]")
        # A currency sign after a word: "of$28".
        self.currency = re.compile(r"[$£€][0-9]")
        # A capital right after a lowercase letter: "strategyShah", "AmazonThe", "PostDemocracy",
        # and after a Greek or Cyrillic one: "бензинAmnesty".
        self.camel = re.compile(r"[A-Z](?<=[a-z\u0370-\u04ff][A-Z])")
        # A CAPS word followed by a Title-case word: "MISSPlague", "HARNov".
        self.caps_title = re.compile(r"[A-Z](?<=[A-Z]{3}[A-Z])(?=[a-z])")
        # Runs of 5+ letters (the unknown-word scan; case is sorted out on the few candidates).
        self.letters = re.compile(r"[A-Za-z]{5,}")
        # The apostrophe of a contraction with glue around it: "itisn't", "we'venoted".
        self.apostrophe = re.compile(r"['’](?:t\b|ve[a-z])")
        # Tokens never split: URLs, e-mails, handles, paths, code, domains, markup.
        self.protected = re.compile(r"://|(?i:www)\.|@|/|\\|_|<|>|=|\{|\}|[a-z]\.[a-z]|\.(?i:com|org|net|gov|edu)\b")
        # A function word of 3+ letters inside a word: the only words worth a 3- or 4-way split.
        long_words = sorted((w for w in PREFIX_GLUE | SUFFIX_GLUE if len(w) >= 3 and "'" not in w), key=len,
                            reverse=True)
        self.long_function = re.compile("|".join(long_words))


@functools.lru_cache(maxsize=1)
def patterns() -> Patterns:
    return Patterns()


OPENERS = "“‘(["
STRAIGHT = '"'


def token_bounds(text: str, i: int) -> tuple[int, int]:
    """The whitespace-delimited token around offset i (at most 300 characters each way)."""
    s, lo = i, max(0, i - 300)
    while s > lo and not text[s - 1].isspace():
        s -= 1
    e, hi = i, min(len(text), i + 300)
    while e < hi and not text[e].isspace():
        e += 1
    return s, e


def alnum_left(text: str, i: int, lo: int) -> int:
    """Start of the run of letters and digits ending at i."""
    while i > lo and text[i - 1].isalnum():
        i -= 1
    return i


def letters_right(text: str, i: int, hi: int) -> int:
    """End of the run of letters starting at i, inner apostrophes included ("DON'T", "It’s")."""
    e = i
    while e < hi:
        c = text[e]
        if c.isalpha():
            e += 1
        elif c in "'’" and e > i and e + 1 < hi and text[e + 1].isalpha():
            e += 1
        else:
            break
    return e


def is_title(w: str) -> bool:
    return len(w) >= 2 and w[0].isupper() and w[1:].islower()


def is_caps(w: str) -> bool:
    letters = w.replace("'", "").replace("’", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def word_shape_ok(w: str) -> bool:
    """A word or number as people write it: lower, Title, CAPS or digits (not "hK" or "UiIe")."""
    return w.islower() or is_title(w) or w.isupper() or len(w) == 1 or w.isdigit()


class Analyzer:
    """Runs every generator over one text; :meth:`run` returns the glue found, one per span."""

    def __init__(self, text: str, settings: Settings) -> None:
        self.text = text
        self.settings = settings
        self.lex = _spacing_lexicon.load()
        self.p = patterns()
        self.found: dict[int, Glue] = {}
        self._protected: dict[int, bool] = {}
        self._camel_words_seen: set[int] = set()

    # -- helpers ----------------------------------------------------------------------------------
    def protected(self, s: int, e: int) -> bool:
        p = self._protected.get(s)
        if p is None:
            p = self.text[s] in "#@" or self.p.protected.search(self.text, s, e) is not None
            self._protected[s] = p
        return p

    def known(self, word: str) -> bool:
        """Does the word data (or the user's allow list) know this word, in any case?"""
        low = word.lower().replace("’", "'")
        return self.lex.knows(low) or low in self.settings.allow

    def zipf(self, word: str) -> float:
        return self.lex.zipf(word.lower())

    def clean(self, word: str) -> bool:
        return self.lex.is_clean(word.lower())

    def repeats(self, word: str) -> bool:
        """Does ``word`` occur more than once in the article (names do, glue rarely does)?"""
        return self.text.count(word) >= 2

    def add(self, glue: Glue) -> None:
        for seam in glue.seams:
            old = self.found.get(seam)
            if old is None or glue.tier > old.tier:
                self.found[seam] = glue

    def run(self) -> list[Glue]:
        self.punctuation()
        self.camel()
        self.digits()
        self.unknown_words()
        certain = sum(1 for g in self.found.values() if g.tier == HIGH)
        glued = certain >= GLUED_DOCUMENT and certain * GLUED_DENSITY >= len(self.text)
        if self.settings.strict or glued:
            self.camel(generic=True)
        unique: dict[tuple[int, int], Glue] = {}
        for glue in self.found.values():
            if glue.tier == LOW:
                if not glued:
                    continue
                glue = glue._replace(tier=MEDIUM)
            old = unique.get((glue.start, glue.end))
            if old is None or glue.tier > old.tier:
                unique[(glue.start, glue.end)] = glue
        # one finding per seam, so that two fixes never insert a space at the same place
        kept, used = [], set()
        for glue in sorted(unique.values(), key=lambda g: -g.tier):
            if not used.intersection(glue.seams):
                used.update(glue.seams)
                kept.append(glue)
        return sorted(kept)

    # -- punctuation and quote seams -------------------------------------------------------------
    def punctuation(self) -> None:
        text = self.text
        hits = [m.start() for m in self.p.punct.finditer(text)]
        hits += [m.start() for m in self.p.numbered.finditer(text)]
        if ")" in text:
            hits += [m.start() for m in self.p.paren_digit.finditer(text)]
        for j in hits:
            c = text[j]
            if c in "’‘" and text[j + 1].islower():
                continue  # an apostrophe: "it’s"
            ps = j
            while ps > 0 and text[ps - 1] in PUNCT_CHARS:
                ps -= 1
            if ps == 0 or not text[ps - 1].isalnum():
                continue
            pe = j + 1
            if text[pe] in "\"”" and c in ".!?":
                pe += 1  # the numbered-item pattern: '."4.'
            run = text[ps:pe]
            ts, te = token_bounds(text, ps)
            if self.protected(ts, te):
                continue
            glue = self.judge_punctuation(run, ps, pe, ts, te)
            if glue:
                self.add(glue)

    def judge_punctuation(self, run: str, ps: int, pe: int, ts: int, te: int) -> Optional[Glue]:
        text = self.text
        ls = alnum_left(text, ps, ts)
        left = text[ls:ps]
        if ls > ts and text[ls - 1] in "&$£€%#.":
            if (run == "." and len(left) == 1 and left.isupper() and text[pe:pe + 3].isalpha()
                    and text[pe:pe + 3].islower() and ls - ts >= 2 and text[ls - 2].isupper()):
                re_ = letters_right(text, pe, te)  # "U.S.farmers": a lowercase word after an abbreviation
                if self.known(text[pe:re_]):
                    return Glue(ls, re_, SENTENCE, (pe,), MEDIUM,
                                f"missing space after an abbreviation: {text[ts:re_]!r}")
            return None  # "&nbsp;The", "$5.Then", "U.S.Army" (an abbreviation chain)
        if text[pe].isdigit():  # a numbered item glued on: "warned.2."; a credit on a counter: "(AP)2 of 4"
            if run == ")" and len(left) >= 2 and left.isalpha() and left.isupper():
                return Glue(ls, pe + 1, SENTENCE, (pe,), MEDIUM, f"missing space after {text[ls:pe]!r}")
            if len(left) >= 3 and left.isalpha() and left.islower():
                return Glue(ls, pe + 2, SENTENCE, (pe,), MEDIUM,
                            f"missing space before a numbered item: {text[ls:pe + 2]!r}")
            return None
        re_ = letters_right(text, pe, te)
        right = text[pe:re_]
        if not right or not left or not word_shape_ok(left) or not word_shape_ok(right.replace("’", "'")):
            return None
        quoted = any(c in STRAIGHT + "“”‘’" for c in run)
        tier = self.quote_tier(run, left, right) if quoted else self.punct_tier(run, left, right, re_, te)
        if tier is None:
            return None
        seam = self.seam_in_run(run, ps)
        if seam is None:
            return None
        if STRAIGHT in run and not self.quotes_balanced(ps):
            tier = MEDIUM  # the quote's direction, and so the fix, is a guess
        if quoted:
            what = "after a closing quote" if seam == pe else "before an opening quote"
            return Glue(ls, re_, QUOTE, (seam,), tier, f"missing space {what}: {text[ls:re_]!r}")
        return Glue(ls, re_, SENTENCE, (seam,), tier, f"missing space after {run!r}: {text[ls:re_]!r}")

    def punct_tier(self, run: str, left: str, right: str, re_: int, te: int) -> Optional[int]:
        """Sentence, clause and bracket seams without quotes."""
        text = self.text
        after = text[re_] if re_ < len(text) else " "
        if ".." in run:
            return None  # an ellipsis or dot leaders: a style, not glue
        if after == "." and len(right) <= 2 and re_ + 1 < te and text[re_ + 1].isalpha():
            return None  # an abbreviation chain: "Ph.D.s", "U.S.A."
        if run == "(":
            # "Moltke(who", "first(and"; but "word(s)", "Maestro(TM)", "f(x)"
            if text[re_:re_ + 1] == ")":
                return None  # an optional ending: "twist(ing)", "friend(s)"
            if len(left) >= 3 and left.isalpha() and right.islower() and len(right) >= 2 and self.known(right):
                return MEDIUM
            return None
        if not left.isalpha():
            return self.digit_punct_tier(run, left, right)
        caps_left, caps_right = left.isupper() and len(left) > 1, is_caps(right)
        if run in (")", "]", ")]"):
            # "GETTY)According", "(interviews)More"
            if right[0].isupper() and (len(right) >= 2 or right in ("A", "I")):
                return MEDIUM if caps_right else HIGH
            return None
        if run in ("),", "];"):  # "breastbone),tuft"
            return HIGH if right.islower() and len(right) >= 2 and self.known(right) else None
        if run in (".", "!", "?", "?!", "!?", ".)", "?)", "!)"):
            if not right[0].isupper() or len(right) == 1 and right not in ("A", "I"):
                return None
            if right.lower() in EXTENSIONS and run == "." and (not is_title(right) or right in ("Net", "Com", "Org")):
                return None  # "PanARMENIAN.Net", "report.PDF" (but "Madrid.It" is glue)
            if len(left) == 1 or left.lower() == "yahoo" and run == "!":
                return None  # "U.S", "J.P" ; "Yahoo!News"
            if caps_left and len(right) == 1:
                return None  # a share class: "NYT.A"
            if caps_right:
                # "infections.READ", "million.DON'T"; but ASP.NET, VB.NET are names
                if caps_left or not left.islower() or len(left) < 3 or len(right) < 3:
                    return None
                return MEDIUM
            if caps_left and len(left) <= 3:
                return MEDIUM  # "BMJ.Going" is glue, but short CAPS.Title can be a name
            if len(left) == 2 and not left.islower() and not caps_left:
                return MEDIUM  # "Mr.Smith", "St.Louis": glue, but not a sentence end
            token = text[re_ - len(right) - len(run) - len(left):re_]
            if is_title(left) and len(left) <= 4 and len(right) <= 4 and self.repeats(token):
                return None  # a short dotted name that recurs: "One.Tel"
            return HIGH
        if run in (",", ";", ":", ".,"):
            if run == ":" and (left.upper() in EXCHANGES or caps_right and (caps_left or len(left) <= 2)
                               or len(left) < 2):
                return None  # tickers: (NYSE:CVX), (TSX:ENB); Nd:YAG
            if right.islower():
                if len(right) < 2 or not self.known(right):
                    return None
                if run == ".,":
                    return HIGH  # "La.,on": an abbreviation, then a comma
                if not self.known(left) or len(left) < 3 and left.lower() not in PREFIX_GLUE:
                    return None  # "pl;aced"
                return HIGH
            if len(right) == 1 and right not in ("A", "I"):
                return None
            if caps_right and caps_left:
                return None  # "TL;DR", "VW,TOYOTA" (a CAPS headline)
            return HIGH
        return None

    def digit_punct_tier(self, run: str, left: str, right: str) -> Optional[int]:
        """A number before the seam: "2018.The", "2019:The", "2011,Michael", "60fps.Interesting"."""
        if not left.isdigit():
            if left[-1].isalpha() and left[0].isdigit() and run == "." and is_title(right):
                return MEDIUM  # "60fps.Interesting"
            return None
        if len(left) < 2 or not right[0].isupper() or is_caps(right) or len(right) == 1 and right != "A":
            return None
        if run in (".", ":", ",") and len(left) == 4 and left[:2] in ("19", "20"):
            return HIGH  # a year ends the sentence
        if run == "." and len(left) >= 2 and is_title(right) and right in SENTENCE_STARTERS:
            return MEDIUM
        return None

    def quote_tier(self, run: str, left: str, right: str) -> Optional[int]:
        """Quote seams: "said.\"We", "said:“We", "heartache,\"he", "problem\"Volker", "coming’A"."""
        if run in ("’", "‘"):
            # a single quote glued to a capital; O’Brien and De’Broski are names
            if len(left) >= 3 and left.islower() and right[0].isupper() and self.known(left):
                return HIGH if is_title(right) or right in ("A", "I") else None
            return None
        core = run.strip(STRAIGHT + "“”‘’")
        if ".." in core:
            return None
        if right.islower():
            # after a comma or colon the narration goes on: heartache,"he said ; "country\"s" is an apostrophe
            if core and core[-1] in ",:." and len(right) >= 2 and self.known(right):
                return HIGH
            return None
        if len(right) == 1 and right not in ("A", "I"):
            return None
        if not core and len(left) < 2:
            return None
        return HIGH if not is_caps(right) or len(right) >= 3 else MEDIUM

    def seam_in_run(self, run: str, ps: int) -> Optional[int]:
        """Where the space goes in a punctuation run: after the closers, before the openers."""
        kinds = []
        for k, c in enumerate(run):
            if c == STRAIGHT:
                kinds.append("open" if self.quote_opens(ps + k) else "close")
            else:
                kinds.append("open" if c in OPENERS else "close")
        if "open" not in kinds:
            return ps + len(run)
        first = kinds.index("open")
        if "close" in kinds[first:]:
            return None  # an opener followed by a closer: no single seam
        return ps + first

    def line_bounds(self, i: int) -> tuple[int, int]:
        text = self.text
        e = text.find("\n", i)
        return text.rfind("\n", 0, i) + 1, len(text) if e < 0 else e

    def quote_opens(self, i: int) -> bool:
        """Does the straight quote at i open a quotation? An even number of quotes before it in its line."""
        s, _ = self.line_bounds(i)
        return self.text.count(STRAIGHT, s, i) % 2 == 0

    def quotes_balanced(self, i: int) -> bool:
        s, e = self.line_bounds(i)
        return self.text.count(STRAIGHT, s, e) % 2 == 0

    # -- case seams --------------------------------------------------------------------------------
    def camel(self, generic: bool = False) -> None:
        text = self.text
        for m in self.p.camel.finditer(text):
            i = m.start()
            if i in self.found:
                continue
            ts, te = token_bounds(text, i)
            if self.protected(ts, te):
                continue
            if not text[i - 1].isascii():
                glue = self.script_change(i, ts) if not generic else None
                if glue:
                    self.add(glue)
                continue
            glue = self.masthead(i) if not generic else None
            glue = glue or self.judge_camel(i, ts, te, generic)
            if glue:
                self.add(glue)
            elif not generic:
                self.camel_parts(i, ts, te)
        if generic:
            for m in self.p.caps_title.finditer(text):
                i = m.start()
                if i not in self.found:
                    ts, te = token_bounds(text, i)
                    if not self.protected(ts, te):
                        glue = self.judge_caps_title(i, ts, te)
                        if glue:
                            self.add(glue)

    def word_bounds(self, i: int, ts: int, te: int) -> tuple[int, int]:
        text = self.text
        s = i
        while s > ts and text[s - 1].isalpha():
            s -= 1
        e = i
        while e < te and text[e].isalpha():
            e += 1
        return s, e

    def camel_parts(self, i: int, ts: int, te: int) -> None:
        """Unknown case parts of an unknown camel-case word: "RenderBurgerfor", "paperinNaturebyPhilippe"."""
        ws, we = self.word_bounds(i, ts, te)
        if ws in self._camel_words_seen:
            return
        self._camel_words_seen.add(ws)
        word = self.text[ws:we]
        if self.known(word) or self.repeats(word):
            return
        for m in re.finditer(r"[A-Z]?[a-z]+", word):
            part = m.group()
            if len(part) < 5 or self.known(part):
                continue
            if m.start() > 0 and word[m.start() - 1].isupper() and part[0].isupper():
                continue  # inside a CAPS run: "PanARMENIAN"
            self.split_at(part, ws + m.start(), ws + m.end())

    def masthead(self, i: int) -> Optional[Glue]:
        """"The Washington PostDemocracy": a publication's name glued to the next word."""
        text = self.text
        ws = i
        while ws > 0 and text[ws - 1].isalpha():
            ws -= 1
        names = self.settings.mastheads.get(text[ws:i])
        if not names or not text[i + 1:i + 2].islower():
            return None
        for name in names:
            start = i - len(name)
            if start >= 0 and text.startswith(name, start) and (start == 0 or not text[start - 1].isalnum()):
                re_ = letters_right(text, i, len(text))
                glued = text[ws:re_]
                if self.known(glued) or len(name.split()) == 1 and self.repeats(glued):
                    return None  # BloombergQuint-like names of their own
                return Glue(start, re_, MASTHEAD, (i,), HIGH,
                            f"masthead {name!r} glued to {text[i:re_]!r}")
        return None

    def judge_camel(self, i: int, ts: int, te: int, generic: bool) -> Optional[Glue]:
        text = self.text
        ws, we = self.word_bounds(i, ts, te)
        word = text[ws:we]
        if self.known(word) or self.repeats(word):
            return None  # YouTube, McConnell, DeSantis; a name that repeats
        # the left part starts after the previous case seam
        ls = i - 1
        while ls > ws and not (text[ls].isupper() and (text[ls - 1].islower() or text[ls + 1].islower())):
            ls -= 1
        left = text[ls:i]
        # the right part: a Title-case word ("feedsPanARMENIAN" -> "Pan"), or a CAPS word
        # ("ratesRSS" -> "RSS", "newsNBCToday" -> "NBC": its last capital starts the next word)
        re_ = i + 1
        while re_ < we and text[re_].isupper():
            re_ += 1
        if re_ == i + 1:
            while re_ < we and text[re_].islower():
                re_ += 1
        elif re_ < we and text[re_].islower():
            re_ -= 1
        right = text[i:re_]
        if right in CREDIT_PARTS and text.startswith(" by", re_) or right in BOILERPLATE_PARTS:
            if len(left) >= 3:  # "WashingtonEditing by", "policyCopyright"
                return Glue(ls, re_, MASTHEAD, (i,), HIGH, f"credit or boilerplate {right!r} glued to {left!r}")
        if left.islower():
            tier = self.lower_upper(left, right, generic) if ls == ws else None
        elif is_title(left) or left == "By":
            tier = self.upper_upper(left, right, ls, ws, generic)
        else:
            tier = None
        if tier is None:
            return None
        return Glue(ls, re_, CAMEL, (i,), tier, f"missing space between {left!r} and {right!r}")

    def lower_upper(self, left: str, right: str, generic: bool) -> Optional[int]:
        """"theCongressional", "saidMegan", "ofStephen", "ratesRSS"; never iPhone, eBay, macOS."""
        if len(left) <= 2:
            if left in LOWER_LEFT_GLUE and is_title(right) and len(right) >= 3:
                return HIGH if self.known(right) else MEDIUM
            return None
        if is_caps(right):
            if right in TECH_CAPS or len(right) < 3 or len(left) < 4 or left in COMPOUND_PREFIXES:
                return None  # macOS, microRNA, miniMIXA
            return MEDIUM if self.clean(left) else None
        if len(left) == 3 and left not in PREFIX_GLUE:
            return None  # brand prefixes: airBaltic, bioRxiv, pdfTeX, ecoVoyager
        if not self.known(left):
            return MEDIUM if generic and len(left) >= 4 and self.known(right) else None
        if self.known(right) and (self.clean(left) or self.zipf(left) >= 3.0):
            return HIGH
        return MEDIUM if self.clean(left) and len(left) >= 4 else None

    def upper_upper(self, left: str, right: str, ls: int, ws: int, generic: bool) -> Optional[int]:
        """"AmazonThe", "ByLouis", "MeghalayaAugust"; never PlayStation, MasterCard, LaGuardia."""
        if left in NAME_PREFIXES or ls != ws and self.text[ls - 1].isupper():
            return None
        if self.known(left + right):
            return None  # a known name glued to another word: "investorSoftBank"
        if left == "Follow" and ls == ws and (is_caps(right) or is_title(right) and self.known(right)):
            return MEDIUM  # a share footer: "FollowNBC Latino on Facebook"
        if len(left) < 3 and left != "By":
            return None
        if right in SENTENCE_STARTERS and right not in STARTERS_BRANDS_USE and len(right) >= 2:
            return HIGH  # "AmazonThe", "SherlockAt" (but "BofI")
        if right in MONTHS and self.known(left):
            return HIGH
        if right in WEEKDAYS and self.known(left):
            return MEDIUM  # CyberMonday, GivingTuesday
        if left == "By" and is_title(right) and self.known(right):
            return HIGH
        if left in GLUE_LEFT_TITLE and is_title(right) and self.known(right):
            return MEDIUM
        if generic and len(left) >= 4 and len(right) >= 4 and is_title(right) and self.known(left):
            # "EconomySport", "CalendarInvalid": menus run together; brands are mostly short parts
            # (AirTag, WinRed, BetMGM), but MoneySense-like names remain a risk, hence MEDIUM and
            # only near other glue
            return MEDIUM if self.known(right) and self.near_glue(ls) else None
        return None

    def near_glue(self, i: int) -> bool:
        """Is there other glue within 80 characters (always true in strict mode)? Menus glue in runs."""
        return self.settings.strict or any(abs(k - i) <= NEAR and k != i for k in self.found)

    def judge_caps_title(self, i: int, ts: int, te: int) -> Optional[Glue]:
        """"MISSPlague", "HARNov.": a CAPS word glued to a Title-case word (in glued documents)."""
        text = self.text
        ws, we = self.word_bounds(i, ts, te)
        word = text[ws:we]
        if self.known(word) or self.repeats(word):
            return None
        left, re_ = text[ws:i], i + 1
        while re_ < we and text[re_].islower():
            re_ += 1
        right = text[i:re_]
        if not left.isupper() or len(right) < 3:
            return None
        if (right in MONTHS or self.clean(left) and self.zipf(left) >= 4.0 and self.known(right)) and self.near_glue(i):
            return Glue(ws, re_, CAMEL, (i,), MEDIUM, f"missing space between {left!r} and {right!r}")
        return None

    # -- digits ------------------------------------------------------------------------------------
    def digits(self) -> None:
        text = self.text
        hits = [m.start() + 1 for m in self.p.digit.finditer(text)]
        if "$" in text or "£" in text or "€" in text:
            hits += [m.start() + 1 for m in self.p.currency.finditer(text)]
        for i in hits:
            ts, te = token_bounds(text, i)
            if self.protected(ts, te):
                continue
            glue = self.judge_digit(i, ts, te)
            if glue:
                self.add(glue)

    def judge_digit(self, i: int, ts: int, te: int) -> Optional[Glue]:
        text = self.text
        c = text[i - 1]
        if c in "$£€":  # "of$28": a lowercase word before a currency sign
            ls = alnum_left(text, i - 1, ts)
            left = text[ls:i - 1]
            if len(left) >= 2 and left.isalpha() and left.islower():
                e = i
                while e < te and (text[e].isdigit() or text[e] in ".,"):
                    e += 1
                return Glue(ls, e, WORDS, (i - 1,), HIGH, f"missing space before {c!r}: {text[ls:e]!r}")
            return None
        ds = i - 1
        while ds > ts and text[ds - 1].isdigit():
            ds -= 1
        number = text[ds:i]
        if ds > ts and (text[ds - 1].isalpha() or text[ds - 1] in ".,:-/+"):
            return None  # codes, versions, decimals: "G20", "3.5in", "A380s"
        re_ = i
        while re_ < te and text[re_].isalpha():
            re_ += 1
        right = text[i:re_]
        if len(right) < 2 or re_ < te and text[re_].isdigit():
            return None
        year = len(number) == 4 and number[:2] in ("19", "20")
        message = f"missing space after {number!r}: {text[ds:re_]!r}"
        if right.islower():
            if not year:
                return None  # units and ordinals: 60fps, 10am, 2nd, 1990s
            if right in PREFIX_GLUE and len(right) >= 3 or right in ("of", "in", "on", "to", "by", "at"):
                return Glue(ds, re_, WORDS, (i,), HIGH, message)  # "2013that"
            split = self.split_unknown(right, title=False) if len(right) >= 5 and not self.known(right) else None
            if split:
                return Glue(ds, re_, WORDS, (i,), MEDIUM, message)  # "2019studyby"
            return None
        if not is_title(right) or self.known(number + right) or self.repeats(number + right):
            return None  # 3D, 4K, 5G, 1Password, 7News
        if right in SENTENCE_STARTERS and right not in STARTERS_BRANDS_USE and (year or len(number) >= 2):
            return Glue(ds, re_, WORDS, (i,), HIGH if year else MEDIUM, message)  # "2019We"
        if not year and len(number) >= 2 and len(right) >= 4 and self.clean(right) and self.zipf(right) >= 3.5:
            return Glue(ds, re_, WORDS, (i,), MEDIUM, message)  # "96French"
        return None

    def script_change(self, i: int, ts: int) -> Optional[Glue]:
        """"бензинAmnesty": a Greek or Cyrillic word glued to a Latin one."""
        text = self.text
        ls = i
        while ls > ts and "\u0370" <= text[ls - 1] <= "\u04ff":
            ls -= 1
        re_ = letters_right(text, i, len(text))
        if i - ls >= 3 and re_ - i >= 3 and text[i + 1:re_].islower():
            return Glue(ls, re_, CAMEL, (i,), MEDIUM, f"missing space where the script changes: {text[ls:re_]!r}")
        return None

    # -- unknown words ----------------------------------------------------------------------------
    def unknown_words(self) -> None:
        text = self.text
        runs = set(self.p.letters.findall(text))
        lowered = set(map(str.lower, runs))
        unknown = self.lex.unknown(lowered)
        if not unknown or len(unknown) > FOREIGN_SHARE * len(lowered) and len(lowered) >= 12:
            return  # nothing unknown, or not English text
        candidates = [u for u in unknown if u not in self.settings.allow and _could_split(u, self)]
        if "'" in text or "’" in text:
            self.contractions()
        if not candidates:
            return
        low_text = text.lower()
        if len(low_text) != len(text):  # a rare character changed length when lowered
            low_text = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        for low in candidates:
            starts = []
            i = low_text.find(low)
            while i >= 0:
                e = i + len(low)
                if (i == 0 or not low_text[i - 1].isalpha() or not text[i - 1].isascii()
                        or text[i - 1].islower() and text[i].isupper()) and (
                        e == len(text) or not text[e].isascii() or not text[e].isalpha()
                        or text[e].isupper() and text[e - 1].islower()):
                    starts.append(i)
                i = low_text.find(low, e)
            for i in starts:
                self.judge_run(text[i:i + len(low)], i, len(starts))

    def contractions(self) -> None:
        """Glue next to a contraction: "itisn't", "we'venoted", "muriswasn't"."""
        text = self.text
        forms = set()
        for m in self.p.apostrophe.finditer(text):
            s = m.start()
            while s > 0 and text[s - 1].isalpha():
                s -= 1
            form = text[s:letters_right(text, m.start() + 1, len(text))]
            if len(form) >= 6 and (form[:-2].islower() or is_title(form)):
                forms.add(form)
        unknown = {f for f in forms if not self.known(f)}
        for form in unknown:
            low = form.lower().replace("’", "'")
            verdict = self.split_unknown(low, title=form[0].isupper())
            if not verdict:
                continue
            for m in re.finditer(r"(?<![A-Za-z])%s(?![A-Za-z])" % re.escape(form), text):
                ts, te = token_bounds(text, m.start())
                if self.protected(ts, te):
                    continue
                parts, tier = verdict
                seams, k = [], m.start()
                for part in parts[:-1]:
                    k += len(part)
                    seams.append(k)
                self.add(Glue(m.start(), m.end(), WORDS, tuple(seams), tier,
                              f"glued words {form!r}: {' '.join(parts)!r}"))

    def judge_run(self, run: str, s: int, occurrences: int) -> None:
        """One occurrence of an unknown letter run: lowercase, Title case, or camel case with parts."""
        text = self.text
        e = s + len(run)
        if e < len(text) and (text[e].isdigit() or text[e] == "_") or s > 0 and (text[s - 1].isdigit()
                                                                                 or text[s - 1] == "_"):
            return  # part of a code or an ID
        ts, te = token_bounds(text, s)
        if self.protected(ts, te):
            return
        if run.isupper():
            return  # a CAPS headline word or acronym
        if run.islower() or is_title(run):
            if is_title(run) and occurrences >= 2:
                return  # an unknown Title-case word that repeats is a name
            self.split_at(run, s, e)
        # camel case is judged part by part from the camel scan

    def split_at(self, word: str, s: int, e: int) -> None:
        text = self.text
        full_e = e
        # an apostrophe ending belongs to the last part: "itisn't", "muriswasn’t"
        if e + 1 < len(text) and text[e] in "'’" and text[e + 1:e + 2].isalpha():
            full_e = letters_right(text, e + 1, len(text))
            word_full = word + "'" + text[e + 1:full_e]
            if self.known(word_full):
                return
        else:
            word_full = word
        verdict = self.split_unknown(word_full.lower(), title=word[0].isupper())
        if not verdict:
            return
        parts, tier = verdict
        seams, k = [], s
        for part in parts[:-1]:
            k += len(part)
            seams.append(k)
        shown = " ".join(text[a:b] for a, b in zip([s] + seams, seams + [full_e]))
        self.add(Glue(s, full_e, WORDS, tuple(seams), tier, f"glued words {text[s:full_e]!r}: {shown!r}"))

    def split_unknown(self, low: str, title: bool) -> Optional[tuple[list[str], int]]:
        """The best split of an unknown lowercase word into known words, with its tier, or None."""
        return _split(low, title, self)

    # -- the decision on one split ----------------------------------------------------------------
    def pair(self, a: str, b: str, title: bool) -> Optional[int]:
        """Is ``a + b`` two glued words? The tier, or None. ``title``: the token is Title case."""
        if b[0] == "'" or a.endswith("'"):
            return None
        fa, fb = a in PREFIX_GLUE, b in SUFFIX_GLUE
        if fa and b == "a" and len(a) >= 3 and not title:
            return MEDIUM  # "witha", "fora"
        if fa and fb:  # "ofthe", "itis", "andthe"
            if len(a) + len(b) < 5 or len(a) == 1 and a != "a" or b == "an":
                return None
            return HIGH if len(a) >= 2 and len(b) >= 2 else MEDIUM
        if fa:  # "agroup", "wouldface", "andrequired", "Theydemonstrated"
            return self.function_then_word(a, b, title)
        if fb:  # "lungsof", "Sundaythat", "Jacobsonon", "exportersthat"
            return self.word_then_function(a, b, title)
        return self.word_then_word(a, b, title)

    def function_then_word(self, a: str, b: str, title: bool) -> Optional[int]:
        if len(b) < 3 or not self.lex.is_clean(b) or a in COMPOUND_PREFIXES:
            return None  # "overtonnage", "aftertax": closed compounds
        if self.lex.zipf(b) < 3.0:
            # a rarer word after a long function word: "thattuft"
            return MEDIUM if len(a) >= 4 and not title and len(b) >= 4 and self.lex.zipf(b) >= 2.5 else None
        if a == "a":
            if title or b.endswith(("ed", "ing")) or self.lex.zipf(b) < 3.5 or b[0] in "aeiou":
                return None
            return MEDIUM
        if title and (len(b) < 5 or a not in TITLE_PREFIX_GLUE):
            return None  # company names: Hadson, Viadent, Insell, Canterra
        if len(a) == 2 and a not in SHORT_PREFIX_GLUE:
            return None  # "weblogger"
        return HIGH if self.lex.zipf(b) >= 3.5 and not title else MEDIUM

    def word_then_function(self, a: str, b: str, title: bool) -> Optional[int]:
        lex = self.lex
        if len(a) < 3 or b in ("a", "an") or len(b) == 2 and (len(a) < 5 or b not in SHORT_SUFFIX_GLUE):
            return None  # names and words ending like a function word: Nuton, Zincor, robustas
        if a in COMPOUND_PREFIXES:
            return None  # "superby"
        za = lex.zipf(a)
        if title:
            if za < 3.0 or not (lex.is_clean(a) or za >= 3.5):
                return None
            if len(b) == 2 or b in NAME_ENDINGS:
                return LOW  # Printon, Paperin, Futuresat, Jugnot are names too
            return HIGH if za >= 3.5 else MEDIUM
        if not (lex.is_clean(a) and za >= 3.0 or _past(a, lex) and za >= 3.0):
            return None  # "totaledabout": a past form the clean list lacks
        return HIGH if za >= 3.5 and (len(b) >= 3 or len(a) >= 4) else MEDIUM

    def word_then_word(self, a: str, b: str, title: bool) -> Optional[int]:
        """Two content words: glue only when inflection shows a phrase ("lookeddeep", "paperpublished")."""
        lex = self.lex
        if len(a) < 5 and a not in PARTICIPLES or len(b) < 4 or a in COMPOUND_PREFIXES:
            return None  # "sidefooted", "reinfused"
        za, zb = lex.zipf(a), lex.zipf(b)
        if zb < 3.0 or not lex.is_clean(b):
            return None
        if title:
            if za < 3.0 or not (_past(b, lex) or b in IRREGULAR_PAST):
                return None
            return MEDIUM  # "Vaughanfollowed"
        if za < 3.0 or not lex.is_clean(a):
            return None
        if _past(a, lex) or a in PARTICIPLES or _past(b, lex) or b in IRREGULAR_PAST:
            return MEDIUM
        return None


def _past(w: str, lex) -> bool:
    """A regular past form of a known verb: looked, noted, published (not "feed", "seed")."""
    return len(w) >= 5 and w.endswith("ed") and (lex.is_clean(w[:-2]) or lex.is_clean(w[:-1]))


_SHORT_ENDINGS = tuple(SHORT_SUFFIX_GLUE)

_SPLIT_CACHE: dict[tuple[str, bool], Optional[tuple[list[str], int]]] = {}


def _could_split(low: str, analyzer: Analyzer) -> bool:
    return _split(low, False, analyzer) is not None or _split(low, True, analyzer) is not None


def _split(low: str, title: bool, analyzer: Analyzer) -> Optional[tuple[list[str], int]]:
    """Cached: words recur across a corpus (names most of all). Depends only on the word data."""
    key = (low, title)
    if key in _SPLIT_CACHE:
        return _SPLIT_CACHE[key]
    result = _best_split(low, title, analyzer) if len(low) <= 40 else None
    if len(_SPLIT_CACHE) > 100_000:
        _SPLIT_CACHE.clear()
    _SPLIT_CACHE[key] = result
    return result


def _best_split(low: str, title: bool, analyzer: Analyzer) -> Optional[tuple[list[str], int]]:
    lex = analyzer.lex
    best: Optional[tuple[float, list[str], int]] = None
    for i in range(1, len(low)):
        a, b = low[:i], low[i:]
        if not (a == "a" or lex.knows(a)) or not (b == "a" or lex.knows(b)):
            continue
        tier = analyzer.pair(a, b, title)
        if tier is not None:
            score = tier * 10 + lex.zipf(a) + lex.zipf(b)
            if best is None or score > best[0]:
                best = (score, [a, b], tier)
    if best is not None:
        return best[1], best[2]
    if len(low) >= 9 and (analyzer.p.long_function.search(low) or low.endswith(_SHORT_ENDINGS)):
        parts = _split_many(low, title, analyzer)
        if parts:
            return parts, MEDIUM
    return None


def _split_many(low: str, title: bool, analyzer: Analyzer) -> Optional[list[str]]:
    """3 or 4 known words where every neighbouring pair is glue: "beenspenton", "retailersthatsaidthey"."""
    lex, n = analyzer.lex, len(low)
    best: Optional[list[str]] = None

    def search(start: int, parts: list[str]) -> None:
        nonlocal best
        if best is not None and len(parts) >= len(best) or len(parts) > 4:
            return
        if start == n:
            if len(parts) >= 3:
                best = list(parts)
            return
        for j in range(n, start + 1, -1):
            w = low[start:j]
            if j < n and len(w) < 3:
                continue  # short words only at the end: "beenspent|on"
            if w not in PREFIX_GLUE and w not in SUFFIX_GLUE and (len(w) < 4 or lex.zipf(w) < 3.5):
                continue
            if lex.is_clean(w) and (parts or w not in COMPOUND_PREFIXES):
                if parts and analyzer.pair(parts[-1], w, title and len(parts) == 1) is None:
                    continue
                parts.append(w)
                search(j, parts)
                parts.pop()

    search(0, [])
    return best


def analyze(text: str, settings: Settings) -> list[Glue]:
    """Every glued token in ``text``, sorted by position."""
    return Analyzer(text, settings).run()
