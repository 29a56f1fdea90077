"""Find the attributions of an article: cue first, then the source phrase in a bounded window.

1. Scan the article once for cue words (said, told, according to, ...).
2. For each cue outside quoted speech, take the sentence around it and read
   at most ``WINDOW_WORDS`` words on one side: the subject to the left
   ("two officials said"), or the phrase to the right for inverted and prefix
   cues ('", said a spokesman', "according to people familiar with ...").
3. Hand each source phrase to the classifier; resolve pronouns to the nearest
   earlier speaker; group the results by sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import regex

from . import _sourcing_classify as C
from ._sourcing_lexicon import BELIEF, DOCUMENT_CUE, OUTLET_CUE, PREFIX, SPEECH, Lexicon
from ._sourcing_text import Paragraph, paragraph_bounds, tokens

WINDOW_WORDS = 15
WINDOW_CHARS = 160
RIGHT_WORDS = 14

#: Tokens that end a source phrase when reading leftwards from a cue.
BOUNDARY_PUNCT = frozenset(",;:()[]{}—–\"“”«»!?.|")
CLAUSE_WORDS = frozenset("""that which because while when whether if but although though as since
after before so where whereas once until unless than who whom whose why how what said says told
amid despite has have had is are was were be been will would could should can may might must
did do does""".split())
SUBJECT_PRONOUNS = frozenset("he she it they we i you".split())
RELATIVES = frozenset("who whom whose which that".split())
#: Words right before a cue that mean it reports no statement ("did not say", "to believe").
BLOCKERS = frozenset("""not never n't to was were is are be been being would could should will
can may might must did does do cannot shall no nor neither hardly barely in of for with at by
from into onto about without the a an its his her their our my your any no little much more
less such own than very and or but""".split())
EARLY_BLOCKERS = BLOCKERS - {"and", "but"}
#: Cue forms that are also nouns ("its initial forecast", "in doubt", "think tank"): they
#: count only right after a source word, never after a description ("familiar with the matter").
NOUN_CUES = frozenset("""forecast forecasts claims notes tweets thought fear fears worry worries
hope hopes doubt doubts suspect suspects feel see sees estimated cite think alleged reported
stated project projects estimate estimates""".split())
NOT_AFTER_CUE = frozenset({"tank", "tanks"})
BASE_FORMS = frozenset("forecast project estimate fear hope doubt worry suspect feel see think cite".split())
#: A parenthetical between commas that describes the subject: "X, who ..., said".
PAREN_OPENERS = frozenset("""who whose which a an the one also himself herself themselves
speaking citing like both each in at along together among his her their its another including
asked reached contacted interviewed when after too however meanwhile though though, for
formerly now then once quoting according""".split())
#: Words that end a phrase read rightwards, unless they open a description of a head.
RIGHT_CUT = frozenset("""on in at during late early last this yesterday today tonight
tomorrow monday tuesday wednesday thursday friday saturday sunday when while as because
adding saying told cited quoted according who which that said says after before since
although though but so if whether than to by""".split())
RIGHT_STOPS = tuple(";:()“”\"—!?")
TIME_WORDS = frozenset("""week weeks month months year years monday tuesday wednesday thursday
friday saturday sunday yesterday today tonight earlier later meanwhile morning afternoon evening
night weekend""".split())
#: "believed to be", "suspected of", "feared dead": participles, not someone's belief.
AFTER_PARTICIPLE = frozenset("to of by dead missing killed as about".split())
SUBORDINATORS = frozenset("if when because as after before unless until while whether once since".split())
INVERTED_NOT_FIRST = frozenset("""that this these those it he she they we i you there what which
who how why when where if whether to in on at for with by from about""".split())
CONJUNCTIONS = frozenset({"and", "or", "&", "And", "Or"})
THING_CATEGORIES = frozenset({"name", "institution", "media", "document", "record", "outlet"})
HEADLINE_SOURCE = regex.compile(
    r"(?m):[ \t]+((?:[\w.'’-]+[ \t]+){0,3}(?:sources?|officials?|aides?|insiders?|diplomats?|"
    r"analysts?|traders?|dealers?|economists?|people|spokes(?:man|woman|person)|report|reports|poll|study))"
    r"[ \t]*\r?$")
AUXILIARIES = frozenset("has have had is are was were will would could did do does".split())
#: Cues that may come before their speaker: '"...," said a spokesman', '..., added the official'.
INVERTIBLE = frozenset("""said says added adds wrote writes tweeted explained explains noted notes
asked stated argued argues insisted insists warned warns cautioned observed remarked recalled
conceded admitted acknowledged countered replied responded commented predicted claimed complained
stressed emphasised emphasized reported confirmed maintained contended asserted""".split())
VERDICT_CACHE = 50_000  # phrases remembered per analyser
NEAR_CHARS = 70  # the first look left of a cue; most subjects fit
PRONOUN_REACH = 700
NAME_PAIR = regex.compile(r"\b([A-Z][\w'’-]*\.?)[ \t]+([A-Z][\w'’-]+)")  # characters back to a pronoun's speaker (about two paragraphs)
PERSON_TITLES = frozenset("""mr mrs ms dr sen senator rep gov governor president minister secretary
prime chancellor judge justice general gen lt col sir lord lady dame prof professor rev father
sister brother king queen prince princess coach captain chairman chairwoman director""".split())
#: "added provisions", "signaled determination": these cues report speech only before a clause.
CLAUSE_CUES = frozenset("""added adds signalled signaled indicated indicates revealed reveals disclosed
discloses responded replied complained complains""".split())
CLAUSE_OPENERS = frozenset("""that the a an it he she they there this these its his her their we i
some no all""".split()) | frozenset(",:.;\"“'‘—-")
#: Belief verbs so common in other senses that only commentators count: "analysts see".
WEAK_BELIEF = frozenset("see sees feel feels felt hope hopes hoped".split())
CLOSE_TO = frozenset("close closest closer loyal privy tied linked connected near next related allied".split())
LAST_HARD_STOP = regex.compile(r'(?r)[,;:()“”"—]')  # searched backwards from a cue
ANONYMITY_FORCERS = frozenset({"unnamed", "anonymous", "unidentified"})
QUOTE_CUES = frozenset({"quoted", "quotes", "cited", "cites"})


@dataclass
class Attribution:
    """One source phrase attached to one cue."""

    start: int            # span of the source phrase in article.text
    end: int
    cue_start: int
    cue_end: int
    cue_kind: str
    sentence: tuple
    verdict: C.Verdict
    kind: str = ""        # verdict kind after pronoun resolution
    repeat: bool = False  # a pronoun for a speaker already counted in this sentence

    @property
    def unnamed(self) -> bool:
        return self.kind in C.UNNAMED_KINDS


@dataclass
class Marker:
    """An explicit grant of anonymity ("who asked not to be named") and whether a reason is given."""

    start: int
    end: int
    sentence: tuple
    reason: bool


@dataclass
class Analysis:
    """Every attribution and anonymity marker of an article, and the counts reporters show."""

    attributions: list = field(default_factory=list)
    markers: list = field(default_factory=list)
    reason_anywhere: bool = False

    @property
    def counted(self) -> list:
        return [a for a in self.attributions if a.kind not in (C.NONE, C.PRONOUN) and not a.repeat]

    def by_sentence(self) -> dict:
        out: dict = {}
        for a in self.attributions:
            out.setdefault(a.sentence, []).append(a)
        return out

    def metrics(self) -> dict:
        counted = self.counted
        unnamed = sum(1 for a in counted if a.unnamed)
        result = {"attributions": len(counted), "named_attributions": len(counted) - unnamed,
                  "unnamed_attributions": unnamed,
                  "unnamed_sentences": len({a.sentence for a in counted if a.unnamed})}
        if counted:
            result["unnamed_share"] = round(unnamed / len(counted), 4)
        return result


class Analyser:
    """Runs the analysis of one article with one lexicon and one classifier."""

    def __init__(self, lex: Lexicon, classifier: C.Classifier = C.classify) -> None:
        self.lex = lex
        self.classifier = classifier
        # News repeats its source phrases ("the company said", "analysts said"): a classifier
        # is a pure function of the phrase, so its verdicts are remembered.
        self._verdicts: dict = {}

    def _verdict(self, words: list, initial: bool, modifier: str) -> C.Verdict:
        key = (tuple(words), initial, modifier)
        verdict = self._verdicts.get(key)
        if verdict is None:
            if len(self._verdicts) >= VERDICT_CACHE:
                self._verdicts.clear()
            verdict = self._verdicts[key] = self.classifier(C.Phrase(words, initial, modifier), self.lex)
        return verdict

    # -- the article ---------------------------------------------------------

    def analyse(self, text: str) -> Analysis:
        result = Analysis()
        paragraphs: dict[int, Paragraph] = {}
        cue_kind = self.lex.cue_kind
        found: list[Attribution] = []
        for m in self.lex.cue_re.finditer(text):
            pos = m.start()
            kind = cue_kind.get(m.group().lower())
            if kind is None:  # pragma: no cover - every form comes from the table
                continue
            if kind == SPEECH and text.startswith(" by ", m.end()):
                if any(w in ("not", "never") or w.endswith("n't") for w in text[max(0, pos - 20):pos].split()[-3:]):
                    continue  # "has not been confirmed by a court"
                kind = PREFIX  # "was first reported by local media": the agent is the source
            if kind != PREFIX and kind != OUTLET_CUE:
                # "to say", "is expected", "the forecast": not a statement; skip it before any parsing.
                before = text[max(0, pos - 16):pos].rsplit(None, 1)
                if before and before[-1].lower() in EARLY_BLOCKERS:
                    continue
            para = self._paragraph(text, pos, paragraphs)
            if para.quotes and para.in_quote(pos):
                continue
            found.extend(self._cue(text, para, pos, m.end(), m.group(), kind))
        if ": " in text:
            self._headline_sources(text, paragraphs, found)
        self._anonymity(text, paragraphs, result, found)
        result.reason_anywhere = any(m.reason for m in result.markers)
        found.sort(key=lambda a: (a.start, a.cue_start))
        result.attributions = self._resolve(text, found)
        return result

    def _paragraph(self, text: str, pos: int, cache: dict) -> Paragraph:
        # Cues come in text order: the paragraph of the previous cue usually holds this one too,
        # and finding the line breaks again would rescan a one-line page for every cue.
        last = cache.get(-1)
        if last is not None and last.start <= pos <= last.end:
            return last
        start, end = paragraph_bounds(text, pos)
        para = cache.get(start)
        if para is None:
            para = cache[start] = Paragraph(text, start, end)
        cache[-1] = para
        return para

    # -- one cue -------------------------------------------------------------

    def _cue(self, text: str, para: Paragraph, pos: int, end: int, cue: str, kind: str) -> list:
        sentence = para.sentence(pos)
        if kind == PREFIX:
            return [a for a in self._right(text, para, sentence, pos, end, kind) if a.verdict.kind != C.NONE]
        lcue = cue.lower()
        if lcue in NOUN_CUES and text[end:end + 6].strip().split(" ")[0].lower() in NOT_AFTER_CUE:
            return []
        after = text[end:end + 12].split(None, 2)
        if after and after[0] == "to" and (lcue in ("told", "agreed", "tells") or
                                           (len(after) > 1 and after[1] in ("be", "have"))):
            return []  # "the officials said to be involved", "were told to leave", "agreed to sell"
        if lcue in CLAUSE_CUES:
            nxt = text[end:end + 12].split(None, 1)
            word = nxt[0] if nxt else "."
            if not (word[:1].isupper() or word.lower() in CLAUSE_OPENERS or word[0] in CLAUSE_OPENERS):
                return []  # "Republicans added provisions", "added 5 pct", "added to"
        if kind == BELIEF and (lcue.endswith(("ed", "ght", "lt")) or lcue in ("think", "thinks")):
            nxt = text[end:end + 10].split(None, 1)
            if nxt and nxt[0].lower() in AFTER_PARTICIPLE:
                return []
        subject = self._left(text, para, sentence, pos, end, kind)
        if subject == "inverted":
            if kind != SPEECH or lcue not in INVERTIBLE:
                return []  # '..., called on voters to ...' is not '..., said a spokesman
            return [a for a in self._right(text, para, sentence, pos, end, kind) if a.verdict.kind != C.NONE]
        out = subject or []
        if out and lcue in NOUN_CUES:
            last = out[-1].verdict
            head = last.head
            if last.kind != C.NONE and text[out[-1].end - len(head):out[-1].end] != head:
                out = []  # the phrase does not end at its head: the cue is a noun here
            elif head.islower() and out[-1].end - out[-1].start == len(head) and not C._plural(head.lower()):
                out = []  # "shareholder worries", "investor fears": a compound noun
            elif lcue in BASE_FORMS and not C._plural(head.lower()) and head.lower() not in ("i", "we", "you"):
                out = []  # "a five state pilot project": a base-form verb needs a plural subject
            elif lcue.endswith("s") and lcue in NOUN_CUES and C._plural(head.lower()) \
                    and head.lower() not in ("some", "many", "most", "others"):
                out = []  # "to exceed analysts estimates": an -s verb needs a singular subject
        if kind == OUTLET_CUE:
            return self._outlet(text, sentence, pos, end, cue, out)
        if lcue in QUOTE_CUES:
            out = out + self._right(text, para, sentence, pos, end, PREFIX, stop_at_as=True)
        if kind == BELIEF and lcue in WEAK_BELIEF:
            # "officials feel", "analysts see"; not "his allies see" or a headline's "chair sees".
            return [a for a in out if a.verdict.category == "unnamed" and a.verdict.kind == C.UNNAMED
                    or a.verdict.kind == C.GROUP and a.verdict.head.lower() in self.lex.commentators]
        return [a for a in out if self._accept(a, kind)]

    def _accept(self, a: Attribution, kind: str) -> bool:
        v = a.verdict
        if v.kind == C.NONE:
            return False
        if kind == BELIEF:
            # Opinions count only from unnamed people and commentators: "officials believe",
            # "economists expect", never "Trump believes" or "lawyers worry".
            if v.kind in (C.UNNAMED, C.SPOKESPERSON):
                return True
            return v.kind == C.GROUP and v.head.lower() in self.lex.commentators
        if kind == DOCUMENT_CUE:
            return v.category in ("document", "media", "record")
        return True

    def _outlet(self, text, sentence, pos, end, cue, subjects) -> list:
        lcue = cue.lower()
        if lcue.startswith(("is ", "are ")):
            # "It is understood (that)", "the player is understood to have ...": no source at all.
            v = C.Verdict(C.OUTLET, "understood", "outlet")
            return [Attribution(pos, end, pos, end, OUTLET_CUE, sentence, v)]
        out = []
        for a in subjects:
            v = a.verdict
            if (v.kind == C.NAMED and v.category in ("name", "media", "institution")) or \
                    (v.kind == C.PRONOUN and v.head.lower() in ("it", "we")):
                a.verdict = C.Verdict(C.OUTLET, v.head, "outlet")
                a.cue_kind = OUTLET_CUE
                out.append(a)
        return out

    # -- the left window: "officials familiar with the talks said" ----------

    def _left(self, text: str, para: Paragraph, sentence: tuple, pos: int, end: int, kind: str):
        cue = (pos, end)
        lo = max(sentence[0], pos - WINDOW_CHARS)
        quote_end = para.last_quote_end(lo, pos) if para.quotes else None
        if quote_end is not None:
            lo = quote_end
        # Most subjects start right after the last comma or quote, a few words before the cue:
        # tokenize that much first, the clause when the phrase runs further back, and the
        # whole window only for parentheticals and inverted cues.
        m = LAST_HARD_STOP.search(text, lo, pos)
        cut = m.start() if m else -1
        start = cut + 1 if cut >= lo else lo
        near = start
        if pos - start > NEAR_CHARS:
            near = text.find(" ", pos - NEAR_CHARS, pos) + 1 or start
        toks = self._popped(text, near, pos)
        if near > start and toks and (len(self._np_left(toks)) == len(toks)
                                      or toks[-1][0].lower() in ("and", "but")):
            toks = self._popped(text, start, pos)
        if not toks and start > lo:
            toks = self._popped(text, lo, pos)
        if toks and toks[-1][0].lower() in ("and", "but") and len(toks) > 1:
            # "A spokeswoman declined to comment but said ...": the clause's subject.
            subject = self._clause_subject(toks)
            return self._phrases(text, subject, sentence, kind, cue, "") if subject else None
        if toks and toks[-1][0].lower() in BLOCKERS:
            return None
        if not toks:
            # '"...," said a spokesman' or a sentence opening with the cue.
            return "inverted"
        if toks[-1][0] == ",":
            if len(toks) == 1:
                return "inverted"
            paren = self._parenthetical(toks)
            if paren is None:
                return "inverted"
            np, modifier = paren
            return self._phrases(text, np, sentence, kind, cue, modifier)
        np = self._np_left(toks)
        if not np:
            return None
        if len(np) == len(toks) and cut >= lo and text[cut] == "," and \
                (np[0][0].islower() or np[0][0] in ("A", "An", "The")) and self._name_ends_at(text, lo, cut):
            # An appositive after a name ("Marc Lewis, a strategist at X told"): read the window.
            toks = self._popped(text, lo, pos)
        at = len(toks) - len(np)
        before = toks[at - 1][0].lower() if at else ""
        if before == "than":
            return None  # "more than analysts had expected": a benchmark, not a statement
        if before in SUBORDINATORS and len(np) == 1 and np[0][0].lower() in SUBJECT_PRONOUNS:
            return None  # "if they said no": a condition, not an attribution
        if before in AUXILIARIES:
            # "Several people who have seen the draft said": the subject precedes "who".
            rel = self._relative(toks)
            if rel is not None:
                found = self._phrases(text, rel[0], sentence, kind, cue, rel[1])
                if any(a.verdict.kind != C.NONE for a in found):
                    return found
        name = self._appositive_name(toks, at, np)
        if name:
            # "Marc Ostwald, a strategist at X told Reuters" (no closing comma).
            return self._phrases(text, name, sentence, kind, cue, " ".join(t[0] for t in np))
        found = self._phrases(text, np, sentence, kind, cue, "")
        if any(a.verdict.kind != C.NONE for a in found):
            return found
        # "Aides who asked not to be identified said": the subject sits before the relative clause.
        rel = self._relative(toks)
        if rel is not None:
            np2, modifier = rel
            return self._phrases(text, np2, sentence, kind, cue, modifier)
        return found

    def _popped(self, text: str, start: int, end: int) -> list:
        """The tokens of text[start:end] without the auxiliaries, adverbs and time words at
        the end ("officials have long said", "Trump on Wednesday said")."""
        toks = tokens(text, start, end)
        between = self.lex.between
        while toks and toks[-1][0].lower() in between:
            toks.pop()
        return toks

    @staticmethod
    def _name_ends_at(text: str, lo: int, comma: int) -> bool:
        """Whether one to five capitalised words, alone in their clause, end at ``comma``."""
        m = LAST_HARD_STOP.search(text, lo, comma)
        words = text[m.end() if m else lo:comma].split()
        return 0 < len(words) <= 5 and all(w[:1].isupper() for w in words)

    def _clause_subject(self, toks: list) -> list:
        """The noun phrase that opens the clause: a determiner, then capitalised words and heads."""
        start = 0
        for i in range(len(toks) - 1, -1, -1):
            if toks[i][0] in BOUNDARY_PUNCT or toks[i][0] in ("-", "--"):
                start = i + 1
                break
        heads, stop = self.lex.heads, self.lex.stopwords
        i = start
        if i < len(toks) and toks[i][0].lower() in C.DEFINITE | C.INDEFINITE:
            i += 1
            if i < len(toks) and toks[i][0].islower() and toks[i][0] not in heads:
                i += 1  # one adjective: "a leading German banker"
        end = i
        while end < len(toks):
            word = toks[end][0]
            lword = word.lower()
            if lword in heads or (word[:1].isupper() and lword not in stop) or \
                    (end == start and lword in self.lex.pronouns):
                end += 1
            else:
                break
        return toks[start:end] if end > i else []

    def _np_left(self, toks: list) -> list:
        """The tokens of the phrase that ends the window, back to a clause boundary."""
        out = []
        for tok in reversed(toks):
            word = tok[0]
            lword = word.lower()
            if word in BOUNDARY_PUNCT or word == "-" or word == "--" or lword in CLAUSE_WORDS:
                break
            if lword == "to" and out and out[-1][0].islower() and out[-1][0] not in C.DEFINITE \
                    and out[-1][0] not in C.INDEFINITE and out[-1][0].lower() not in self.lex.heads:
                break  # "expects its earnings to exceed analysts ...": an infinitive ends the phrase
            if out and lword in TIME_WORDS:
                break
            if lword in SUBJECT_PRONOUNS:
                if not out:
                    out.append(tok)  # "they said"; a pronoun further left ends the phrase
                break
            out.append(tok)
            if len(out) >= WINDOW_WORDS:
                break
        out.reverse()
        return out

    def _parenthetical(self, toks: list):
        """For "X, <parenthetical>, [cue]": (X's tokens, the parenthetical's text) or None."""
        end = len(toks) - 1  # the closing comma
        open_at = None
        for i in range(end - 1, max(-1, end - 1 - 2 * WINDOW_WORDS), -1):
            if toks[i][0] == ",":
                open_at = i
                break
            if toks[i][0] in BOUNDARY_PUNCT and toks[i][0] not in ("'", "’"):
                return None
        if open_at is None or open_at == end - 1:
            return None
        inner = toks[open_at + 1:end]
        first = inner[0][0]
        lfirst = first.lower()
        names = all(t[0][:1].isupper() or t[0] in (".", "-") for t in inner)
        participial = lfirst.endswith("ing") and first.islower()  # "X, expressing frustration, said"
        if not (lfirst in PAREN_OPENERS or first[:1].isdigit() or names or participial):
            return None
        np = self._np_left(toks[:open_at])
        if not np or len(np) > 10:
            return None
        modifier = " ".join(t[0] for t in inner)
        if names and lfirst not in PAREN_OPENERS:
            # "his press adviser, Shekhar Adhikari, said": the apposition names the source.
            return inner, modifier
        name = self._appositive_name(toks, open_at - len(np), np)
        if name:
            return name, modifier
        return np, modifier

    def _appositive_name(self, toks: list, at: int, np: list) -> list:
        """"Lord Condon, head of the unit, who ..., said": the name before an appositive ``np``
        that starts at ``at`` (also when the appositive's closing comma is missing)."""
        if at < 2 or toks[at - 1][0] != "," or np[0][0][:1].isupper() and np[0][0].lower() not in ("a", "an", "the"):
            return []
        run = []
        i = at - 2
        while i >= 0 and toks[i][0][:1].isupper() and len(run) < 5:
            run.append(toks[i])
            i -= 1
        stop = self.lex.stopwords
        if not run or any(t[0].lower() in stop or t[0].lower() in self.lex.between for t in run):
            return []  # "Meanwhile, a spokesman said"
        if i >= 0 and toks[i][0] not in BOUNDARY_PUNCT and toks[i][0] not in ("-", "--"):
            return []
        run.reverse()
        return run

    def _relative(self, toks: list):
        for i in range(len(toks) - 1, max(0, len(toks) - WINDOW_WORDS - 6), -1):
            word = toks[i][0].lower()
            if word in ("who", "whom"):
                np = self._np_left(toks[:i])
                if np:
                    return np, " ".join(t[0] for t in toks[i:])
                return None
            if toks[i][0] in BOUNDARY_PUNCT:
                return None
        return None

    # -- the right window: "according to two people familiar with the matter" --

    def _right(self, text, para, sentence, pos, end, kind, stop_at_as=False) -> list:
        hi = min(sentence[1], end + WINDOW_CHARS)
        if para.quotes:
            hi = para.next_quote_start(end, hi)
        for ch in RIGHT_STOPS:
            i = text.find(ch, end, hi)
            if i != -1:
                hi = i
        toks = tokens(text, end, hi)
        if toks and toks[0][0].lower() in ("to", "by") and kind == PREFIX:
            toks = toks[1:]
        out = []
        heads, lex = self.lex.heads, self.lex
        for i, tok in enumerate(toks):
            word = tok[0]
            lword = word.lower()
            if word in BOUNDARY_PUNCT or word == "-" or word == "--":
                if word == "," and out and not out[-1][0][:1].isupper():
                    out.extend(self._apposed_name(toks, i + 1))
                break
            if stop_at_as and lword == "as":
                break
            if i and lword == "to" and i + 1 < len(toks) and toks[i + 1][0].islower() \
                    and toks[i + 1][0] not in C.DEFINITE and toks[i + 1][0] not in C.INDEFINITE:
                break  # "said by Western diplomats to be alarmed": an infinitive, not "aides to the senator"
            if i and lword in RIGHT_CUT:
                prev = toks[i - 1][0]
                if not (lword in lex.postmodifiers and prev.lower() in heads and not prev[:1].isupper()) \
                        and prev.lower() not in ("a", "an", "the") \
                        and not (lword == "to" and prev.lower() in CLOSE_TO):
                    break
            if i and word.islower() and (lword.endswith("ed") or lword in C.IRREGULAR_PARTICIPLES) \
                    and toks[i - 1][0].lower() in heads \
                    and lword not in lex.postmodifiers:
                break  # "economists polled by Reuters", "industry sources cited by DigiTimes"
            if i and lword in ("including", "such", "like", "who", "whom", "whose", "that", "which"):
                break  # "issues including messages ...", "the officials who spoke ..."
            out.append(tok)
            if len(out) >= RIGHT_WORDS:
                break
        if not out:
            return []
        if kind == SPEECH and (len(out) > 9 or out[0][0].lower() in INVERTED_NOT_FIRST):
            return []  # '..., said that prices rose': content, not an inverted speaker
        return self._phrases(text, out, sentence, kind, (pos, end), self._trailing_clause(text, out[-1][2], sentence))

    @staticmethod
    def _apposed_name(toks: list, i: int) -> list:
        """'said EEF chief economist, Steve Radley.': a name after the comma that ends the phrase."""
        run = []
        while i < len(toks) and toks[i][0][:1].isupper() and len(run) < 5:
            run.append(toks[i])
            i += 1
        if run and (i == len(toks) or toks[i][0] in (".", ",", ";")):
            return run
        return []

    def _trailing_clause(self, text: str, end: int, sentence: tuple) -> str:
        """'said the officials, who spoke on condition of anonymity': the clause after the phrase."""
        rest = text[end:min(sentence[1], end + 120)]
        if rest.startswith((", who", ", whom", " who", " whom")):
            return rest.lstrip(", ")
        return ""

    # -- phrases and verdicts ------------------------------------------------

    def _phrases(self, text, toks, sentence, kind, cue, modifier) -> list:
        """Split a window on "and" between conjuncts and classify each conjunct."""
        if not toks:
            return []
        groups = []
        current: list = []
        for i, tok in enumerate(() if CONJUNCTIONS.isdisjoint([t[0] for t in toks]) else toks):
            if tok[0].lower() in ("and", "or", "&") and current:
                nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
                prev = current[-1][0]
                names = prev[:1].isupper() and nxt[:1].isupper()  # "Trade and Industry"
                adjectives = prev.islower() and prev not in self.lex.heads and nxt.islower() \
                    and nxt not in self.lex.heads and nxt not in C.DEFINITE and nxt not in C.INDEFINITE
                if not names and not adjectives:  # not "current and former officials"
                    groups.append(current)
                    current = []
                    continue
            current.append(tok)
        if current:
            groups.append(current)
        if not groups:
            groups = [toks]
        out = []
        left = bool(groups) and groups[-1][-1][2] <= cue[0]
        # Read conjuncts outwards from the cue; on the left, "X rose and analysts said" stops
        # at the first conjunct that is not a source.
        for group in (reversed(groups) if left else groups):
            while group and group[0][0].lower() in ("and", "or", "but", "&"):
                group = group[1:]
            words = [t[0] for t in group if t[0] not in BOUNDARY_PUNCT]
            if not words:
                continue
            initial = self._opens_clause(text, sentence[0], group[0][1])
            verdict = self._verdict(words, initial, modifier if group is groups[-1] else "")
            if left and verdict.kind == C.NONE and out:
                break
            if left and out and out[-1].verdict.category == "name" and words[0].islower() \
                    and verdict.kind in C.UNNAMED_KINDS:
                break  # "lead researcher and NASA scientist Lucas Paganini": two titles, one person
            first = group[0][1]
            if verdict.skip:
                kept = [t for t in group if t[0] not in BOUNDARY_PUNCT]
                first = kept[verdict.skip][1]
            out.append(Attribution(first, group[-1][2], cue[0], cue[1], kind, sentence, verdict))
            if left and verdict.kind == C.NONE:
                break
        if left:
            out.reverse()
        return out

    @staticmethod
    def _opens_clause(text: str, start: int, pos: int) -> bool:
        """Whether ``pos`` opens its sentence or a clause after a dash, colon or quote, where
        a capital letter says nothing ("(Reuters) - Analysts said")."""
        i = pos - 1
        while i >= start and text[i] in " \t":
            i -= 1
        return i < start or not (text[i].isalnum() or text[i] in ",;")

    def _headline_sources(self, text: str, paragraphs: dict, found: list) -> None:
        """Wire headlines that end in their source: "Trump to pick Powell: sources"."""
        for m in HEADLINE_SOURCE.finditer(text):
            para = self._paragraph(text, m.start(), paragraphs)
            sentence = para.sentence(m.start(1))
            toks = tokens(text, m.start(1), m.end(1))
            found.extend(a for a in self._phrases(text, toks, sentence, SPEECH, m.span(1), "")
                         if a.verdict.kind != C.NONE)

    # -- anonymity markers ---------------------------------------------------

    def _anonymity(self, text, paragraphs, result: Analysis, found: list) -> None:
        lex = self.lex
        if not any(p in text for p in lex.anonymity_probe):
            return
        seen_paras = set()
        for probe in lex.anonymity_probe:
            i = text.find(probe)
            while i != -1:
                para = self._paragraph(text, i, paragraphs)
                if para.start not in seen_paras:
                    seen_paras.add(para.start)
                    self._markers(text, para, result, found)
                i = text.find(probe, para.end + 1) if para.end + 1 < len(text) else -1

    def _markers(self, text, para: Paragraph, result: Analysis, found: list) -> None:
        lex = self.lex
        for m in lex.anonymity_re.finditer(text, para.start, para.end):
            if para.quotes and para.in_quote(m.start()):
                continue
            sentence = para.sentence(m.start())
            lo = max(sentence[0], m.start() - 100)
            hi = min(sentence[1], m.end() + 120)
            window = text[lo:hi]
            reason = bool(lex.reason_re.search(window))
            result.markers.append(Marker(m.start(), m.end(), sentence, reason))
            if any(a.sentence == sentence and a.verdict.kind in C.UNNAMED_KINDS for a in found):
                continue
            # No unnamed attribution from a cue: "The source, who asked not to be named, did not ..."
            toks = tokens(text, max(sentence[0], m.start() - WINDOW_CHARS), m.start())
            while toks and toks[-1][0].lower() in ("who", "whom", "speaking", "spoke", "had", "has",
                                                   "have", "also", "and", "but", ","):
                toks.pop()
            np = self._np_left(toks)
            attrs = self._phrases(text, np, sentence, SPEECH, m.span(), text[m.start():m.end()]) if np else []
            attrs = [a for a in attrs if a.verdict.kind in C.UNNAMED_KINDS]
            if not attrs:
                v = C.Verdict(C.UNNAMED, "", "anonymity", anonymous=True)
                attrs = [Attribution(m.start(), m.end(), m.start(), m.end(), SPEECH, sentence, v)]
            found.extend(attrs)

    # -- pronouns ------------------------------------------------------------

    def _resolve(self, text: str, found: list) -> list:
        """Give each attribution its final kind; pronouns take their speaker's."""
        out: list = []
        seen_spans = set()
        for a in found:
            key = (a.start, a.end)
            if key in seen_spans:
                continue
            seen_spans.add(key)
            v = a.verdict
            if v.kind == C.NONE:
                continue
            if v.kind != C.PRONOUN:
                a.kind = v.kind
                out.append(a)
                continue
            pronoun = v.head.lower()
            if pronoun in ("i", "we", "me", "us"):
                continue  # the writer's own voice, outside quotes
            singular = pronoun in ("he", "she", "him", "her")
            nearby = _within_reach(out, a.start - PRONOUN_REACH)
            if pronoun == "it":
                # "it said": an organisation or a document, never a person or a group.
                things = [p for p in nearby if p.verdict.category in THING_CATEGORIES]
                speaker = things[-1] if things else None
            else:
                speaker = self._antecedent(nearby, singular)
            if singular and (self._name_before(text, a, speaker) or speaker is not None and
                             self._person_before(text, a.start, speaker.end)):
                a.kind = C.NAMED  # "UN Ambassador Nikki Haley ... when she said"
            elif speaker is not None:
                a.kind = speaker.kind
                a.repeat = speaker.sentence == a.sentence
            elif pronoun == "it" or (singular and self._person_before(text, a.start)):
                a.kind = C.NAMED  # an organisation, or a person introduced without a cue
            else:
                continue
            out.append(a)
        return out


    @staticmethod
    def _antecedent(previous: list, singular: bool) -> Optional[Attribution]:
        """The nearest earlier speaker that agrees in number with the pronoun ("he" is not "analysts")."""
        for a in reversed(previous[-6:]):
            v = a.verdict
            if v.kind == C.PRONOUN:
                plural = v.head.lower() in ("they", "them")
            else:
                plural = v.kind == C.GROUP or (v.category in ("unnamed", "spokesperson", "title", "group")
                                                and C._plural(v.head.lower()))
            if plural != singular:
                return a
        return previous[-1] if previous and not singular else None

    def _person_before(self, text: str, pos: int, lo: int = 0) -> bool:
        """A person's name shortly before ``pos``: a title and a name ("Mr Pompeo", "Senator
        Al Franken") or two capitalised words that are not organisation words."""
        stop, heads = self.lex.stopwords, self.lex.heads
        for m in NAME_PAIR.finditer(text, max(lo, pos - PRONOUN_REACH), pos, overlapped=True):
            w1, w2 = m.group(1), m.group(2)
            l1, l2 = w1.lower().rstrip("."), w2.lower()
            if w2.isupper() or l2 in stop or l2 in heads:
                continue
            if l1 in PERSON_TITLES:
                return True
            if not w1.isupper() and l1 not in stop and l1 not in heads \
                    and text[max(0, m.start() - 4):m.start()].lower() not in ("the ", " an ", " a "):
                return True
        return False

    def _name_before(self, text: str, a: Attribution, last: Optional[Attribution]) -> bool:
        """A capitalised name in the sentence after the last speaker: "Haley ... when she said"."""
        lo = a.sentence[0]
        if last is not None and last.sentence == a.sentence:
            lo = max(lo, last.end)
        for word, s, _ in tokens(text, lo, a.start):
            if word[:1].isupper() and s > a.sentence[0] + 1 and word.lower() not in self.lex.stopwords \
                    and word.lower() not in self.lex.heads and len(word) > 1 and not word.isupper():
                return True
        return False


def _within_reach(found: list, limit: int) -> list:
    """The attributions in ``found`` (in text order) that end at or after ``limit``.

    Walks back from the newest only as far as the reach: a page scraped into one
    paragraph can hold thousands of attributions, and a scan of all of them for
    every pronoun is quadratic. An attribution's phrase is a bounded window, so
    one that starts far before ``limit`` cannot reach it.
    """
    near = []
    for p in reversed(found):
        if p.end >= limit:
            near.append(p)
        elif p.start < limit - 4096:
            break
    near.reverse()
    return near
