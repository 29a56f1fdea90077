"""Text shape and readability rules (NL5xx) and the per-article shape metrics."""

from __future__ import annotations

import importlib
import re
from typing import Iterable, Optional

from newslint import Applicability, Article, Edit, Finding, Fix, Rule, UsageError, hookimpl

# The support modules (and their compiled patterns) are imported on the first
# check, so that loading the plugin costs nothing when no NL5 rule is selected;
# textstat is imported by _readability_scores on the first NL504 check.
_modules: dict = {}


def _module(name: str):
    """A support module of this package, imported on first use (then a dict lookup)."""
    module = _modules.get(name)
    if module is None:
        module = _modules[name] = importlib.import_module(f"{__package__}.{name}")
    return module


TABLE = "readability"

# Words after which an English sentence cannot end.
FUNCTION_WORDS = frozenset("""
    a an the and or but nor of to with from into onto than that which whose whether because although
    is are was were been will would could should shall must its their our your my
""".split())

#: Continuation and paywall marks that end a teaser or a cut story, matched
#: against the last sentence of the text once punctuation and arrows are removed.
MARKERS = [
    r"continue reading(?: (?:the )?(?:main |full )?(?:story|article))?",
    r"continued(?: on (?:page|p) ?\w+)?",
    r"(?:read|see) (?:the )?(?:full|whole|complete|rest of the) (?:story|article|report)",
    r"(?:read|see|show) more",
    r"full (?:story|article|report)",
    r"(?:click|tap) here to (?:read|continue)(?: more| reading| the (?:full )?(?:story|article))?",
    r"(?:subscribe|sign in|log in|login|register)(?: now)? to (?:continue|read)(?: reading)?"
    r"(?: (?:the|this) (?:full )?(?:story|article))?",
    r"more",  # the wire "MORE": the story continues in the next take
]
TAIL_CHARS = 400

#: NL504's measures: label and the default range (outside what 1,135 real articles scored).
MEASURES = {
    "flesch-reading-ease": ("Flesch reading ease", 10.0, 95.0),
    "flesch-kincaid-grade": ("Flesch-Kincaid grade level", 0.0, 20.0),
}
_EDGE_PUNCTUATION = " \t.…:;,!?»›>→|-–—()[]\"'“”‘’"


def _marker_pattern(extra: Iterable[str]) -> "re.Pattern[str]":
    phrases = MARKERS + [re.escape(p.strip().lower()) for p in extra if p.strip()]
    return re.compile("(?:" + "|".join(phrases) + ")", re.IGNORECASE)


def _show(text: str, limit: int = 60) -> str:
    """Text for a message: control characters escaped, long text shortened in the middle."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                       for c in text)
    if len(text) > limit:
        half = limit // 2 - 2
        text = f"{text[:half]} ... {text[-half:]}"
    return text


class TruncatedArticle(Rule):
    """## What it does
    Flags an article whose text stops before its story does: the last line
    ends mid-sentence (after a comma, a colon, a dash or a word such as "the"
    or "of"), ends with a continuation mark ("Continue reading", "Read the
    full story", "Full Story", the wire's "MORE", "...") or the article has
    fewer words than `min-words` (default 15).

    ## Why is this bad?
    Paywalls, teaser pages and length limits cut articles short. A cut
    article passes most checks, yet it misinforms a reader and skews any
    statistic computed over a corpus.

    ## Example
    ```text
    The minister said the plan would be published in the
    ```
    and
    ```text
    The company reported record profits on Tuesday. Continue reading
    ```

    Set `require-final-punctuation = true` under `[tool.newslint.readability]`
    to flag, too, a last line of eight words or more that simply ends without
    end punctuation ("..., he added"); that is off by default because wire
    notes and tables end that way legitimately. Add your outlets' own marks
    with `continuation-markers = ["Lesen Sie mehr"]`.

    ## Fix safety
    No fix: the missing text cannot be restored.
    """

    code = "NL501"
    name = "truncated-article"
    summary = "the text ends mid-sentence, with a continuation mark, or is far too short"

    def __init__(self, options: dict) -> None:
        self.min_words = int(options.get("min-words", 15))
        self.require_final = bool(options.get("require-final-punctuation", False))
        self.extra_markers = list(options.get("continuation-markers", []))
        self._markers: Optional[re.Pattern[str]] = None

    @property
    def markers(self) -> "re.Pattern[str]":
        if self._markers is None:
            self._markers = _marker_pattern(self.extra_markers)
        return self._markers

    def check_article(self, article: Article) -> Iterable[Finding]:
        shape = _module("_readability_shape")
        s = shape.shape_of(article)
        findings = []
        if s.words < self.min_words:
            first = s.lines[0] if s.lines else None
            end = s.offset_of(first, article) + len(first[shape.TEXT]) if first else 0
            findings.append(self.finding(
                article, 0, end,
                f"only {s.words} word{'s' if s.words != 1 else ''} (minimum {self.min_words}): "
                "the article may be cut short or may have failed to extract"))
        last = s.last_line_with_letters()
        if last is not None:
            text = last[shape.TEXT]
            found = self.check_ending(text)
            if found:
                start, message = found
                offset = s.offset_of(last, article)
                findings.append(self.finding(article, offset + start, offset + len(text), message))
        return findings

    def check_ending(self, line: str) -> Optional[tuple[int, str]]:
        """(start of the evidence in ``line``, message) when the line ends a cut text."""
        shape = _module("_readability_shape")
        # Only the last sentence matters; a long paragraph is cut to its tail.
        cut = max(0, len(line) - TAIL_CHARS)
        spans = shape.sentence_spans(line[cut:])
        if not spans:
            return None
        start, end = spans[-1]
        start, end = start + cut, end + cut
        fragment = line[start:end]
        bare = fragment.strip(_EDGE_PUNCTUATION)
        # A bare "More." is a sentence (a disclosure's link, say); the wire's
        # continuation mark has no full stop.
        if bare and self.markers.fullmatch(bare) and not (bare.lower() == "more" and fragment.endswith(".")):
            return start, f"ends with the continuation mark \"{_show(fragment)}\": the story was cut short"
        words = fragment.split()
        # "... said 39 ..." is cut; a lone "REUTER..." sign-off or a "Loading
        # content ..." widget is not: the cut sentence must have three words.
        if line[-1] in ".…]" and sum(1 for w in words if w.strip(".…[]")) >= 3 \
                and shape.ELLIPSIS_END.search(line):
            return self._tail(line), "ends with an ellipsis: the story was cut short"
        last = line[-1]
        if last in shape.END_CHARS:
            return None
        if last in ",;" or last in "(“‘«[":
            return self._tail(line), f"ends mid-sentence, after \"{last}\": the story was cut short"
        if last == ":" and len(words) >= 4:
            return self._tail(line), "ends with a colon: what it introduced is missing"
        if last in "-–—" and len(words) >= 4 and (words[-1] in ("-", "–", "—") and words[-2].isalpha()
                                                   or words[-1][:-1].isalpha()):
            # "... off the hook -" or "a well-": not a sign-off after a full stop, nor a
            # table's "--" placeholder.
            return self._tail(line), "ends mid-sentence, after a dash: the story was cut short"
        last_word = words[-1].lower() if words else ""
        if len(words) >= 3 and last_word in FUNCTION_WORDS:
            return (self._tail(line),
                    f"ends mid-sentence, after \"{_show(' '.join(words[-3:]))}\": the story was cut short")
        if self.require_final and len(words) >= 8 and not shape.DIGIT.search(fragment) \
                and fragment[-1:].isalpha():
            return self._tail(line), "the last sentence has no end punctuation: the story may be cut short"
        return None

    @staticmethod
    def _tail(line: str) -> int:
        """Start of the last word of ``line``."""
        return len(line.rstrip()) - len(line.rstrip().split()[-1]) if line.split() else 0


class RunOnText(Rule):
    """## What it does
    Flags a "sentence" longer than `max-sentence-words` (default 80 words),
    spanning it. Sentences end at `. ! ? …` (with closing quotes) followed by
    a space and at line breaks.

    ## Why is this bad?
    News sentences average about 20 words and almost never pass 70. A much
    longer one means a scraper lost the punctuation or the line breaks between
    paragraphs, list items or captions, and joined them into one block, as
    `get_text()` without a separator does.

    ## Example
    ```text
    HomeNewsSportWeatherThe council approved the budget on Monday by seven votes to two after a long debate in which ... (120 more words without a full stop)
    ```

    ## Fix safety
    No fix: where the breaks belong cannot be known from the text.
    """

    code = "NL502"
    name = "run-on-text"
    summary = "a sentence far longer than news prose allows"

    def __init__(self, options: dict) -> None:
        self.max_words = int(options.get("max-sentence-words", 80))

    def check_article(self, article: Article) -> Iterable[Finding]:
        shape = _module("_readability_shape")
        s = shape.shape_of(article)
        limit = self.max_words
        for line in s.lines:
            _, text, words, _ = line
            if words <= limit and (len(text) <= 2 * limit or text.isascii()):
                continue  # a line with fewer words cannot hold a longer sentence
            offset = None
            for start, end in shape.sentence_spans(text):
                n = shape.count_words(text[start:end])
                if n <= limit:
                    continue
                if offset is None:
                    offset = s.offset_of(line, article)
                yield self.finding(
                    article, offset + start, offset + end,
                    f"a sentence of {n} words (limit {limit}): punctuation or line breaks were probably lost")


class ListNotProse(Rule):
    """## What it does
    Flags an article most of whose lines are short (at most `list-line-words`,
    default 8, words) and end without punctuation: at least `list-min-lines`
    (default 5) such lines and a share of at least `list-share` (default 0.6)
    of the lines that hold words. Table rows count as neither list nor prose:
    lines with digits (figures, dates, scores) and fixtures ("Everton v
    Chelsea"). `” ’ » )` count as end punctuation.

    ## Why is this bad?
    Link lists, photo galleries, menus and navigation come through a scraper
    as a column of short unpunctuated lines. An "article" made mostly of them
    is a page that failed to extract, not a story.

    ## Example
    ```text
    Home
    World
    Politics
    Business
    Sport
    Most read
    Weather
    ```

    ## Fix safety
    No fix: the article needs to be extracted again or dropped.
    """

    code = "NL503"
    name = "list-not-prose"
    summary = "most lines are short and unpunctuated: a link list, gallery or navigation"

    def __init__(self, options: dict) -> None:
        self.share = float(options.get("list-share", 0.6))
        self.min_lines = int(options.get("list-min-lines", 5))
        self.line_words = int(options.get("list-line-words", 8))

    def check_article(self, article: Article) -> Iterable[Finding]:
        shape = _module("_readability_shape")
        s = shape.shape_of(article)
        limit = self.line_words
        table_row = shape.TABLE_ROW.search
        listed = [line for line in s.lines
                  if not line[shape.PUNCTUATED] and line[shape.WORDS] <= limit and not table_row(line[shape.TEXT])]
        if len(listed) < self.min_lines or len(listed) < self.share * len(s.lines):
            return ()
        first = listed[0]
        start = s.offset_of(first, article)
        share = len(listed) / len(s.lines)
        return [self.finding(
            article, start, start + len(first[shape.TEXT]),
            f"{len(listed)} of {len(s.lines)} lines ({share:.0%}) are short and unpunctuated: "
            "a link list, gallery or navigation rather than prose")]


class ReadabilityOutlier(Rule):
    """## What it does
    Scores the article with a readability formula (`measure`: the default
    `flesch-reading-ease`, or `flesch-kincaid-grade`) and flags a score
    outside `min-score` .. `max-score` (defaults: 10 .. 95 for reading
    ease, 0 .. 20 for grade level). Syllables are counted by textstat (CMU
    pronouncing dictionary, with hyphenation for unknown words); words and
    sentences by the same line-aware count as the metrics, so a headline
    without a full stop is a sentence of its own. Articles under
    `score-min-words` (default 100) words, or mostly in a non-Latin script,
    are not scored. Off by default.

    ## Why is this bad?
    Prose, even hard prose, stays within a band of scores (on 1,135 real
    articles reading ease ran from 11.5 to 87.4). Text whose punctuation or
    line breaks were lost is one endless "sentence" and scores far below any
    prose. Navigation does not stand out this way (menu words are long), so
    NL503 is the rule for that.

    ## Example
    Eight paragraphs of a news story with their full stops removed: 292
    words in 2 "sentences", Flesch reading ease -77.2. The story as
    published scores 44.9.

    ## Fix safety
    No fix: the score only points at a problem that other rules name.
    """

    code = "NL504"
    name = "readability-outlier"
    summary = "a readability score outside the range of news prose"
    severity = "info"
    default_enabled = False

    def __init__(self, options: dict) -> None:
        self.measure = options.get("measure") or "flesch-reading-ease"
        self.label, low, high = MEASURES[self.measure]
        self.low = float(low if options.get("min-score") is None else options["min-score"])
        self.high = float(high if options.get("max-score") is None else options["max-score"])
        self.min_words = int(options.get("score-min-words", 100))

    def check_article(self, article: Article) -> Iterable[Finding]:
        scores = _module("_readability_scores")
        shape = _module("_readability_shape")
        s = shape.shape_of(article)
        if s.words < self.min_words or scores.latin_share(article.text) < 0.5:
            return ()
        result = scores.score(article.text, s.words, s.sentences)
        if result is None:
            return ()
        article.add_metric("flesch_reading_ease", round(result.flesch_reading_ease, 2))
        article.add_metric("flesch_kincaid_grade", round(result.flesch_kincaid_grade, 2))
        value = result.value(self.measure)
        if self.low <= value <= self.high:
            return ()
        first = s.lines[0]
        start = s.offset_of(first, article)
        return [self.finding(
            article, start, start + len(first[shape.TEXT]),
            f"{self.label} {value:.1f} is outside {self.low:g} .. {self.high:g} "
            f"({result.words} words in {result.sentences} sentences, "
            f"{result.syllables_per_word:.2f} syllables a word)")]


class Mojibake(Rule):
    """## What it does
    Flags encoding damage: UTF-8 text that was decoded as Windows-1252 or
    Latin-1 ("donâ€™t", "CafÃ©", "Ã¢â‚¬â„¢" when it happened twice),
    Windows-1252 text decoded as Latin-1 (invisible C1 control characters
    where curly quotes belong), and the replacement character U+FFFD that a
    decoder leaves for bytes it could not read. The message gives the
    repaired text when it can be derived.

    ## Why is this bad?
    Readers see garbage; search, deduplication and every word count treat
    "donâ€™t" as an unknown word.

    ## Example
    ```text
    The minister said she wasnâ€™t aware of the report.
    ```
    becomes, with `--fix`,
    ```text
    The minister said she wasn’t aware of the report.
    ```

    ## Fix safety
    Safe when the damaged characters map back to a valid UTF-8 sequence that
    decodes to a plausible character, or are C1 controls with a Windows-1252
    character: the repair is then exact. A sequence that lost a byte ("â€"
    followed by a space, usually a lost closing quote) gets a display-only
    suggestion; U+FFFD and undefined control characters have no fix, since
    the original cannot be known.
    """

    code = "NL505"
    name = "mojibake"
    summary = "encoding damage: mis-decoded UTF-8 or replacement characters"
    fix_availability = "sometimes"

    def __init__(self, options: dict) -> None:
        self.options = options

    def check_article(self, article: Article) -> Iterable[Finding]:
        for d in _module("_readability_mojibake").find_damage(article.text):
            if d.repaired is None:
                yield self.finding(article, d.start, d.end, f"encoding damage \"{_show(d.damaged)}\": {d.note}")
                continue
            if d.certain:
                should = f"should be \"{_show(d.repaired)}\"" if d.repaired else "should be removed"
                fix = Fix.safe(Edit(d.start, d.end, d.repaired), message=should)
                yield self.finding(article, d.start, d.end,
                                   f"encoding damage \"{_show(d.damaged)}\" ({d.note}): {should}", fix=fix)
            else:
                fix = Fix((Edit(d.start, d.end, d.repaired),), Applicability.DISPLAY_ONLY,
                          message=f"probably \"{_show(d.repaired)}\"")
                yield self.finding(article, d.start, d.end,
                                   f"encoding damage \"{_show(d.damaged)}\" ({d.note}): "
                                   f"probably \"{_show(d.repaired)}\"", fix=fix)


@hookimpl
def newslint_addoption(parser) -> None:
    add = parser.addoption
    add("min-words", type="int", default=15, table=TABLE,
        help="NL501: flag an article with fewer words than this")
    add("continuation-markers", type="list", default=[], table=TABLE,
        help="NL501: extra phrases that mark a cut story when they end the text")
    add("require-final-punctuation", type="bool", default=False, table=TABLE,
        help="NL501: also flag a last line of 8+ words that ends without end punctuation")
    add("max-sentence-words", type="int", default=80, table=TABLE,
        help="NL502: flag a sentence with more words than this")
    add("list-share", type="float", default=0.6, table=TABLE,
        help="NL503: flag when at least this share of lines are short and unpunctuated")
    add("list-min-lines", type="int", default=5, table=TABLE,
        help="NL503: and at least this many such lines")
    add("list-line-words", type="int", default=8, table=TABLE,
        help="NL503: a line of at most this many words counts as short")
    add("measure", type="str", default="flesch-reading-ease", table=TABLE,
        choices=["flesch-reading-ease", "flesch-kincaid-grade"],
        help="NL504: the readability formula")
    add("min-score", type="float", default=None, table=TABLE,
        help="NL504: lowest acceptable score (default depends on the measure)")
    add("max-score", type="float", default=None, table=TABLE,
        help="NL504: highest acceptable score (default depends on the measure)")
    add("score-min-words", type="int", default=100, table=TABLE,
        help="NL504: do not score articles with fewer words")


@hookimpl
def newslint_configure(config) -> None:
    options = config.table(TABLE)
    share = options.get("list-share", 0.6)
    if not 0 < share <= 1:
        raise UsageError(f"[tool.newslint.readability] list-share must be in (0, 1], not {share}")
    for key in ("min-words", "max-sentence-words", "list-min-lines", "list-line-words", "score-min-words"):
        if options.get(key, 1) < 0:
            raise UsageError(f"[tool.newslint.readability] {key} must not be negative")
    low, high = options.get("min-score"), options.get("max-score")
    if low is not None and high is not None and low > high:
        raise UsageError(f"[tool.newslint.readability] min-score {low} is above max-score {high}")


@hookimpl
def newslint_register_rules(register, config) -> None:
    options = config.table(TABLE)
    for rule in (TruncatedArticle, RunOnText, ListNotProse, ReadabilityOutlier, Mojibake):
        register(rule(options))
