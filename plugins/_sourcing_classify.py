"""Classify a source phrase ("two administration officials", "Heather Nauert") as named or unnamed.

:func:`classify` is the rule-based backend: it finds the phrase's head (the last
word before a description such as "familiar with" or "for the ministry") and
decides by the head's class in the lexicon, the determiner and capitalised
words. The analysis calls the classifier through one function, so an NLP
backend can replace it: any callable ``(Phrase, Lexicon) -> Verdict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from ._sourcing_lexicon import Lexicon

# Verdict kinds. The unnamed ones are the kinds NL301 reports.
NAMED = "named"
UNNAMED = "unnamed"            # a person whose identity is withheld
SPOKESPERSON = "spokesperson"  # a spokesperson with no name
GROUP = "group"                # a group speaking as one
DOCUMENT = "document"          # an unidentified document or media report
OUTLET = "outlet"              # the outlet's own unattributed reporting
PRONOUN = "pronoun"            # resolved later to the nearest earlier speaker
NONE = "none"                  # not a source at all
UNNAMED_KINDS = frozenset({UNNAMED, SPOKESPERSON, GROUP, DOCUMENT, OUTLET})

DESCRIPTIONS = {
    UNNAMED: "anonymous source",
    SPOKESPERSON: "unnamed spokesperson",
    GROUP: "unnamed group",
    DOCUMENT: "unidentified document or report",
    OUTLET: "the outlet's own unattributed reporting",
    NAMED: "named source",
}

DEFINITE = frozenset("the this that these those his her its their our my your whose".split())
INDEFINITE = frozenset("""a an one two three four five six seven eight nine ten eleven twelve
dozen dozens some several many another other certain various multiple numerous few both
two-thirds half most""".split())
QUANTIFIERS = frozenset("some many others several most few".split())
#: Adjectives that do not describe a source's position: "a source", "informed sources".
VAGUE = frozenset("""unnamed anonymous unidentified informed reliable credible well-placed
well-informed knowledgeable trusted authoritative good usual other various multiple
several numerous separate second third fourth fifth first different additional""".split())
#: Endings of plural nouns for people ("rescuers", "paramedics", "residents"), for group words
#: missing from the lexicon. Only lowercase words: capitalised ones are surnames (Sanders).
PEOPLE_SUFFIXES = ("ers", "ors", "ists", "ians", "ants", "ents", "ees", "ives", "ens", "men", "folk")
IRREGULAR_PARTICIPLES = frozenset("""seen shown written given held made known sent drawn taken
obtained read heard""".split())
STATE_MEDIA = frozenset("state state-run state-owned state-controlled official government government-run".split())
PREPOSITIONS = frozenset("""and or of the by as between with about against among into over under
toward towards through across behind beyond near without within after before during since until
per via including versus vs like from for to at in on than""".split())
ANONYMOUS_WORDS = frozenset({"unnamed", "anonymous", "unidentified"})


@dataclass
class Phrase:
    """A candidate source phrase and what surrounds it."""

    words: list                # the phrase's words, in order
    sentence_initial: bool = False  # the first word opens the sentence (its capital says nothing)
    modifier: str = ""         # an appositive or relative clause about it ("who asked not to be named")


@dataclass
class Verdict:
    """What a phrase is: its kind, head word, and whether it is a bare "a source"."""

    kind: str
    head: str = ""
    category: str = ""  # lexicon class of the head: unnamed, group, document, name, ...
    bare: bool = False
    anonymous: bool = False  # an explicit grant of anonymity describes it
    knowledge: bool = False  # "familiar with", "close to", ...
    skip: int = 0  # leading words that are not part of the phrase ("limited to people the researchers")
    extra: dict = field(default_factory=dict)


Classifier = Callable[[Phrase, Lexicon], Verdict]


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s", "s'", "s’"))


PLURAL_WORDS = frozenset("""people staff police personnel media crew crews folk men women
spokesmen spokeswomen spokespeople congressmen fishermen businessmen chairmen those""".split())


def _plural(lword: str) -> bool:
    return lword in QUANTIFIERS or lword in PLURAL_WORDS or (lword.endswith("s") and not lword.endswith("ss"))


def _split_core(words: list, lwords: list, lex: Lexicon, sentence_initial: bool) -> int:
    """Where the description after the head begins (len(words) if there is none)."""
    heads, postmods = lex.heads, lex.postmodifiers
    for j in range(1, len(words)):
        participle = (lwords[j].endswith("ed") or lwords[j] in IRREGULAR_PARTICIPLES
                      or lwords[j].endswith("ing") and j + 1 < len(words) and lwords[j + 1] in PREPOSITIONS) \
            and words[j].islower() and lwords[j] not in VAGUE
        if (lwords[j] in postmods or participle) and lwords[j - 1] in heads:
            # "sources close to", "a study published on Tuesday", "economists polled by Reuters"
            prev = words[j - 1]
            lprev = lwords[j - 1]
            if _is_cap(prev) and lprev in lex.title:
                continue  # "Chancellor of the Exchequer Nigel Lawson": the title's own "of"
            if not _is_cap(prev) or (j == 1 and sentence_initial) or (lprev in lex.group and _plural(lprev)):
                return j  # "Republicans in the Senate" too
    return len(words)


def _lexicon_form(lword: str, lex: Lexicon) -> str:
    """The form of ``lword`` the lexicon lists: itself, its singular or its plural."""
    if lword in lex.heads:
        return lword
    for form in ((lword[:-3] + "y") if lword.endswith("ies") else "", lword[:-1] if lword.endswith("s") else "",
                 lword + "s"):
        if form and form in lex.heads:
            return form
    return lword


def _np_start(lwords: list, cut: int) -> int:
    """Where the noun phrase ending at the head starts: its last determiner, unless that
    determiner follows "of" or a possessive ("one of their lawyers" stays whole)."""
    for d in range(cut - 2, 0, -1):
        w = lwords[d]
        if w in DEFINITE or w in INDEFINITE:
            prev = lwords[d - 1]
            if prev == "of" or _possessive(prev) or prev in DEFINITE or prev in INDEFINITE:
                return 0
            return d
    return 0


def classify(phrase: Phrase, lex: Lexicon) -> Verdict:
    """The rule-based classifier: see the module docstring."""
    words = [w for w in phrase.words if w not in ("'", "’", "<", ">")]
    if not words:
        return Verdict(NONE)
    lwords = [w.lower() for w in words]
    if len(words) == 1:
        # The commonest subjects, decided at once: "he said", "Smith said".
        if lwords[0] in lex.pronouns:
            return Verdict(PRONOUN, words[0])
        if words[0][:1].isupper() and lwords[0] not in lex.stopwords \
                and _lexicon_form(lwords[0], lex) not in lex.heads:
            return Verdict(NAMED, words[0], "name")

    cut = _split_core(words, lwords, lex, phrase.sentence_initial)
    skip = _np_start(lwords, cut)
    if skip:
        words, lwords, cut = words[skip:], lwords[skip:], cut - skip
        phrase = Phrase(words, False, phrase.modifier)
    core, lcore, post = words[:cut], lwords[:cut], lwords[cut:]
    head, lhead = core[-1], lcore[-1]
    if _possessive(lhead):
        return Verdict(NONE)  # "of the company's recently ...": a possessor is not a speaker
    lkey = _lexicon_form(lhead, lex)  # "groups" -> "group", "passenger" -> "passengers"
    if (lhead in INDEFINITE or lhead in DEFINITE) and lhead not in lex.heads:
        return Verdict(NONE)  # "given other claims": a determiner is not a source
    described = " ".join(lwords) + " " + phrase.modifier.lower()
    anonymous = bool(lex.anonymity_re.search(phrase.modifier)) if phrase.modifier else False
    anonymous = anonymous or any(w in ANONYMOUS_WORDS for w in lcore)
    knowledge = bool(lex.knowledge_re.search(described)) if (post or phrase.modifier) else False

    # "an official named Jhony", "a spokesman, Ian Smith": a name after the head.
    if post[:1] in (["named"], ["called"]) and cut + 1 < len(words) and _is_cap(words[cut + 1]):
        return Verdict(NAMED, words[cut + 1], "name")

    # "Newcastle director of rugby Rob Andrew": a name that closes the description right
    # after a plain noun names the head (after "for the" it names an organisation).
    if post and _is_cap(words[-1]) and lwords[-1] not in lex.stopwords and lwords[-1] not in lex.heads:
        run = len(words) - 1
        while run > cut and _is_cap(words[run - 1]):
            run -= 1
        before = lwords[run - 1]
        plain = before not in lex.heads or lhead in lex.title
        if run > cut and not _is_cap(words[run - 1]) and plain and before not in lex.postmodifiers \
                and before not in DEFINITE and before not in INDEFINITE \
                and before not in PREPOSITIONS:
            return Verdict(NAMED, words[-1], "name")

    first = lcore[0]
    determiner = first if (first in DEFINITE or first in INDEFINITE or first.isdigit()) else ""
    definite = determiner in DEFINITE or any(_possessive(w) for w in lcore[:-1])
    indefinite = bool(determiner) and not definite
    proper_mods = [w for i, w in enumerate(core[:-1])
                   if _is_cap(w) and lcore[i] not in lex.stopwords and not (i == 0 and phrase.sentence_initial)]
    proper_post = any(_is_cap(w) and w.lower() not in lex.stopwords for w in words[cut:])

    def verdict(kind: str, category: str, bare: bool = False) -> Verdict:
        return Verdict(kind, head, category, bare, anonymous, knowledge, skip=skip)

    # A capital that is not the sentence's first letter (nor Reuters' capital after "U.S.")
    # marks a name: a person, or an organisation such as "the Interior Ministry".
    head_cap = _is_cap(head) and not (len(core) == 1 and phrase.sentence_initial) \
        and not (len(core) > 1 and core[-2].endswith("."))
    if _is_cap(head) and lhead in lex.stopwords and lkey not in lex.heads:
        return Verdict(NONE)
    if head_cap and lhead not in lex.pronouns and (lkey not in lex.group or not _plural(lhead)):
        # "Senate Democrats" is a group; "Ken Doctor" and "the Interior Ministry" are names.
        return verdict(NAMED, "institution" if lhead in lex.institution else "name")
    if _is_cap(head) and lkey not in lex.heads and lhead not in lex.pronouns:
        return verdict(NAMED, "name")
    if lkey not in lex.heads and head.islower() and len(lhead) > 4 and lhead.endswith(PEOPLE_SUFFIXES) \
            and not post and lhead not in lex.stopwords and len(core) <= 3 \
            and not any(w[:1].isdigit() for w in core):
        return verdict(GROUP, "group")  # "paramedics said", "striking miners said": plural people

    if len(core) >= 2 and lcore[-2] == "chief" and lkey not in lex.group:
        category = "title"
    elif lkey in lex.unnamed:
        category = "unnamed"
    elif lkey in lex.spokesperson:
        category = "spokesperson"
    elif lkey in lex.document_on_record:
        category = "record"
    elif lkey in lex.document:
        category = "document"
    elif lkey in lex.media:
        category = "media"
    elif lkey in lex.journalist:
        category = "journalist"
    elif lkey in lex.institution or lkey in lex.institution_bare:
        category = "institution"
    elif lkey in lex.group:
        category = "group"
    elif lkey in lex.title:
        category = "title"
    else:
        return Verdict(NONE)

    if not determiner and not definite and (head.islower() or len(core) == 1) and not _plural(lhead) \
            and category in ("unnamed", "spokesperson", "group", "title"):
        # A singular role noun needs a determiner: "shareholder worries", a headline's
        # "Judge tells ...", "analyst estimates" are not a speaker.
        return Verdict(NONE)
    if category == "unnamed":
        if lhead in lex.needs_modifier and not (knowledge or anonymous):
            if not (lhead == "members" and post[:1] == ["of"]):
                return Verdict(NONE)
        bare = (lhead in ("source", "sources") and not definite and not post
                and all(w in VAGUE or w in INDEFINITE or w.isdigit() for w in lcore[:-1]))
        return verdict(UNNAMED, category, bare)
    if category == "spokesperson":
        return verdict(SPOKESPERSON, category)
    if category == "record":
        return verdict(NAMED, category)
    if category in ("document", "media", "journalist"):
        # Named with a name ("a Reuters/Ipsos poll", "a BBC journalist") or when definite
        # (the report introduced earlier); else nobody can check it.
        if proper_mods or proper_post or definite or (category == "media" and not STATE_MEDIA.isdisjoint(lcore)):
            return verdict(NAMED, category)  # "state media said": the government's own outlets
        if category == "journalist":
            return verdict(GROUP if _plural(lhead) else UNNAMED, category)
        return verdict(DOCUMENT, category)
    if anonymous:
        return verdict(UNNAMED, category)
    if category == "institution":
        if indefinite and not _plural(lhead):
            return verdict(UNNAMED, category)  # "a Japanese bank said"
        if definite or proper_mods or lhead in lex.institution_bare:
            return verdict(NAMED, category)
        if indefinite and not _plural(lhead):
            return verdict(UNNAMED, category)
        return verdict(GROUP, category) if _plural(lhead) else verdict(NAMED, category)
    if lhead in QUANTIFIERS and len(core) > 1:
        return Verdict(NONE)  # "wanted some say", "combined with some worries"
    # Groups and titles: a plural speaks as a group, "a"/"an" hides one person,
    # "the" or a possessive points at someone already identified.
    if _plural(lhead) or (category == "group" and lhead in QUANTIFIERS):
        return verdict(GROUP, category)
    if definite or (category == "title" and not determiner and proper_mods):
        return verdict(NAMED, category)  # "the chairman", "White House chief of staff"
    return verdict(UNNAMED, category)


def describe(verdict: Verdict) -> str:
    return DESCRIPTIONS.get(verdict.kind, verdict.kind)


def is_unnamed(kind: Optional[str]) -> bool:
    return kind in UNNAMED_KINDS
