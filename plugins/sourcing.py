"""Unnamed-sourcing rules (NL3xx): attributions to sources the reader cannot identify."""

from __future__ import annotations

from typing import Iterable, Optional

from newslint import Article, Finding, Rule, hookimpl

TABLE = "sourcing"
MAX_LISTED = 3


class SourcingAnalysis:
    """Shared by the five rules: one analysis per article, computed by whichever rule runs first.

    The lexicon and the analyser are built on the first check, not at import or
    registration, so start-up stays cheap. The per-article metrics are added
    here, so they are reported whenever any NL3xx rule is selected.
    """

    def __init__(self, options: dict) -> None:
        self.options = options
        self._analyser = None
        self._last: Optional[tuple] = None  # (article, analysis): the rules run one article at a time

    def __getstate__(self) -> dict:
        return {"options": self.options, "_analyser": None, "_last": None}

    def analyser(self):
        if self._analyser is None:
            from ._sourcing_analyse import Analyser
            from ._sourcing_lexicon import extension_key, load_lexicon
            self._analyser = Analyser(load_lexicon(extension_key(self.options)))
        return self._analyser

    def of(self, article: Article):
        last = self._last
        if last is not None and last[0] is article and last[1] == len(article.text):
            return last[2]
        analysis = self.analyser().analyse(article.text)
        if not self.options.get("groups-unnamed", True):
            for a in analysis.attributions:
                if a.kind == "group":
                    a.kind = "named"  # the project accepts "analysts said" as attribution
        for name, value in analysis.metrics().items():
            article.add_metric(name, value)
        self._last = (article, len(article.text), analysis)
        return analysis


def _quoted(article: Article, start: int, end: int, limit: int = 60) -> str:
    phrase = " ".join(article.text[start:end].split())
    return f'"{phrase[:limit]}…"' if len(phrase) > limit else f'"{phrase}"'


class _SourcingRule(Rule):
    def __init__(self, options: dict, shared: SourcingAnalysis) -> None:
        self.options = options
        self.shared = shared


class UnnamedSource(_SourcingRule):
    """## What it does
    Flags each sentence that attributes information to a source the reader
    cannot identify: officials, sources or people familiar with a matter, a
    spokesperson without a name, a group speaking as one ("analysts said",
    "Senate Democrats said"), an unidentified document ("a new report") or the
    outlet's own unattributed reporting ("BBC Sport has learnt"). The finding
    spans the source phrase; the message gives its class. A sentence with
    several unnamed sources gets one finding that lists them.

    Named people, named organisations and publications on the record ("the
    Pentagon said", "the company said"), on-record documents ("a court
    filing") and pronouns whose speaker was named earlier are not flagged.
    Cue words inside quoted speech are ignored.

    ## Why is this bad?
    Readers cannot judge a claim whose source they cannot check. The AP allows
    anonymous sources only for vital information and wants them described as
    precisely as possible; editors and media researchers count unnamed
    sourcing by hand. This rule makes that count automatic.

    ## Example
    ```text
    Trump dropped the sanctions, according to three senior administration officials.
    ```
    Name the source, or describe their position and why they know:
    ```text
    Trump dropped the sanctions, State Department spokeswoman Heather Nauert said.
    ```

    ## Fix safety
    No fix: only the reporter knows who the source is.
    """

    code = "NL301"
    name = "unnamed-source"
    summary = "Information attributed to a source the reader cannot identify"

    def check_article(self, article: Article) -> Iterable[Finding]:
        from ._sourcing_classify import describe
        analysis = self.shared.of(article)
        for sentence, attrs in analysis.by_sentence().items():
            unnamed = [a for a in attrs if a.unnamed and not a.repeat]
            if not unnamed:
                continue
            first = unnamed[0]
            message = f"unnamed source {_quoted(article, first.start, first.end)} ({self._what(first, describe)})"
            others = [f"{_quoted(article, a.start, a.end)} ({self._what(a, describe)})"
                      for a in unnamed[1:MAX_LISTED]]
            if others:
                message += "; also " + ", ".join(others)
            if len(unnamed) > MAX_LISTED:
                message += f" and {len(unnamed) - MAX_LISTED} more"
            yield self.finding(article, first.start, first.end, message)

    @staticmethod
    def _what(a, describe) -> str:
        if a.verdict.kind == "pronoun":
            return "pronoun for an unnamed source"
        return describe(a.verdict)


class BareSource(_SourcingRule):
    """## What it does
    Flags a source with no description at all: "a source said", "sources
    say", "one source described ...", "informed sources said".

    ## Why is this bad?
    The AP's rule: "simply quoting 'a source' is not allowed". Even when a
    source must stay anonymous, the reader should learn their position and
    why they know ("a senior official who attended the meeting").

    ## Example
    ```text
    Sources say Haley's briefing was accurate.
    ```
    Better:
    ```text
    Two administration officials who attended the briefing say it was accurate.
    ```

    ## Fix safety
    No fix: the description must come from the reporter.
    """

    code = "NL302"
    name = "bare-source"
    summary = "A source with no description of position or knowledge"

    def check_article(self, article: Article) -> Iterable[Finding]:
        for a in self.shared.of(article).attributions:
            if a.kind == "unnamed" and a.verdict.bare:
                yield self.finding(article, a.start, a.end,
                                   f"bare source {_quoted(article, a.start, a.end)}: describe the source's "
                                   "position and how they know")


class AnonymityWithoutReason(_SourcingRule):
    """## What it does
    Flags a grant of anonymity that gives no reason: "who declined to be
    named", "spoke on condition of anonymity", with no "because ...", "to
    discuss private talks" or "not authorized to speak" nearby.

    With `reason-per-article` (the default), it also flags an article that
    relies on anonymous people (officials, sources, aides, people familiar
    with a matter) and never says why any of them is anonymous; that finding
    sits on the first such source.

    ## Why is this bad?
    The AP wants every story to say why a source was granted anonymity, so
    readers can weigh the information.

    ## Example
    ```text
    A central bank official, who declined to be named, said the surplus would grow.
    ```
    Better:
    ```text
    A central bank official, who declined to be named because the figures are not yet public, said ...
    ```

    ## Fix safety
    No fix: the reason must come from the reporter.
    """

    code = "NL303"
    name = "anonymity-without-reason"
    summary = "Anonymity granted with no reason given"

    def check_article(self, article: Article) -> Iterable[Finding]:
        analysis = self.shared.of(article)
        for m in analysis.markers:
            if not m.reason:
                yield self.finding(article, m.start, m.end,
                                   f"anonymity granted ({_quoted(article, m.start, m.end)}) with no reason given")
        if analysis.markers or not self.options.get("reason-per-article", True):
            return
        anonymous = [a for a in analysis.counted if a.kind == "unnamed" and a.verdict.category == "unnamed"]
        if anonymous:
            first = anonymous[0]
            n = len(anonymous)
            yield self.finding(article, first.start, first.end,
                               f"{n} attribution{'s' if n > 1 else ''} to anonymous sources and no reason "
                               "for the anonymity anywhere in the article")


class UnnamedOpinion(_SourcingRule):
    """## What it does
    Flags opinion or speculation attributed to an unnamed source or group:
    "officials believe", "sources fear", "analysts expect", "some think".

    ## Why is this bad?
    Anonymity is for facts a source cannot give on the record, not for
    opinions: an anonymous opinion cannot be weighed or answered, and AP
    guidance rules out anonymous opinion.

    ## Example
    ```text
    Officials believe the talks will fail.
    ```

    ## Fix safety
    No fix.
    """

    code = "NL304"
    name = "unnamed-opinion"
    summary = "Opinion or speculation attributed to an unnamed source"

    def check_article(self, article: Article) -> Iterable[Finding]:
        for a in self.shared.of(article).attributions:
            if a.cue_kind == "belief" and a.unnamed:
                start, end = min(a.start, a.cue_start), max(a.end, a.cue_end)
                yield self.finding(article, start, end,
                                   f"opinion attributed to an unnamed source: {_quoted(article, start, end)}")


class UnnamedShare(_SourcingRule):
    """## What it does
    Reports an article in which the share of attributions to unnamed sources
    exceeds `share-threshold` (default 0.5), when it has at least
    `share-min-attributions` attributions (default 4). The message gives the
    counts; the finding sits on the first unnamed source. The counts of every
    article are also reported as metrics (`attributions`,
    `named_attributions`, `unnamed_attributions`, `unnamed_sentences`,
    `unnamed_share`) with `--metrics` and `--statistics`.

    ## Why is this bad?
    A story that rests mostly on sources the reader cannot check asks for
    trust it has not earned; editors use this share to decide which stories
    need more on-record sourcing.

    ## Example
    An article with three attributions to "officials" and one to a named
    spokeswoman: 3 of 4 attributions (75%) are unnamed.

    ## Fix safety
    No fix.
    """

    code = "NL305"
    name = "unnamed-share"
    summary = "Most of an article's attributions are to unnamed sources"
    severity = "info"

    def check_article(self, article: Article) -> Iterable[Finding]:
        analysis = self.shared.of(article)
        counted = analysis.counted
        minimum = int(self.options.get("share-min-attributions", 4))
        threshold = float(self.options.get("share-threshold", 0.5))
        if len(counted) < max(minimum, 1):
            return
        unnamed = [a for a in counted if a.unnamed]
        share = len(unnamed) / len(counted)
        if share > threshold:
            first = unnamed[0]
            yield self.finding(article, first.start, first.end,
                               f"{len(unnamed)} of {len(counted)} attributions ({share:.0%}) are to unnamed "
                               f"sources (threshold {threshold:.0%})")


@hookimpl
def newslint_addoption(parser):
    add = parser.addoption
    add("cue-verbs", type="list", default=[], table=TABLE,
        help="extra attribution verbs, every form as written (e.g. quipped)")
    add("belief-verbs", type="list", default=[], table=TABLE,
        help="extra opinion verbs, counted only with unnamed sources (NL304)")
    add("source-heads", type="list", default=[], table=TABLE,
        help="extra nouns for people whose identity is withheld (e.g. handler)")
    add("group-words", type="list", default=[], table=TABLE,
        help="extra nouns for groups speaking as one (e.g. bondholders)")
    add("name-stopwords", type="list", default=[], table=TABLE,
        help="capitalised words that never make a source named")
    add("share-threshold", type="float", default=0.5, table=TABLE,
        help="NL305 reports articles whose unnamed share exceeds this (0-1)")
    add("share-min-attributions", type="int", default=4, table=TABLE,
        help="NL305 needs at least this many attributions")
    add("groups-unnamed", type="bool", default=True, table=TABLE,
        help="count groups speaking as one (analysts, traders, Democrats) as unnamed")
    add("reason-per-article", type="bool", default=True, table=TABLE,
        help="NL303 also flags articles whose anonymous sources are never explained")


@hookimpl
def newslint_register_rules(register, config):
    options = dict(config.table(TABLE))
    shared = SourcingAnalysis(options)
    for cls in (UnnamedSource, BareSource, AnonymityWithoutReason, UnnamedOpinion, UnnamedShare):
        register(cls(options, shared))
