"""Missing-space rules (NL2xx): glued sentences, quotes, mastheads, camel case and words.

Scrapers join block elements without whitespace ("on Sundaythat Treasury",
"The Washington PostDemocracy Dies in Darkness", "the attack.The president").
The detection lives in ``_spacing_detect`` and runs once per article for all
five rules; the word data (``data/spacing_lexicon.txt``) is loaded on the
first check, never at import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

from newslint import Article, Edit, Finding, Fix, Rule, UsageError, hookimpl

from . import _spacing_detect as detect


class _Shared:
    """The analysis of the last article, shared by the five rules (they run one after another)."""

    def __init__(self, options: dict[str, Any], root: Optional[Path]) -> None:
        self.options = options
        self.root = root
        self._settings: Optional[detect.Settings] = None
        self._key: Optional[tuple[int, int]] = None
        self._article: Optional[Article] = None
        self._glue: list[detect.Glue] = []

    @property
    def settings(self) -> detect.Settings:
        if self._settings is None:
            allow = list(self.options.get("allow") or [])
            allow_file = self.options.get("allow-file")
            if allow_file:
                allow += read_allow_file(allow_file, self.root)
            self._settings = detect.make_settings(allow, self.options.get("mastheads") or [],
                                                  bool(self.options.get("strict")))
        return self._settings

    def glue(self, article: Article) -> list[detect.Glue]:
        key = (id(article), len(article.text))
        if key != self._key or self._article is not article:
            self._glue = detect.analyze(article.text, self.settings)
            self._key, self._article = key, article
        return self._glue


def read_allow_file(path: str, root: Optional[Path]) -> list[str]:
    """Words of an allow file: one per line, ``#`` starts a comment."""
    p = Path(path)
    if not p.is_absolute() and root is not None:
        p = root / p
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise UsageError(f"[tool.newslint.spacing] allow-file: cannot read {p}: {error.strerror or error}") from None
    return [w for line in lines for w in line.split("#", 1)[0].split()]


class _SpacingRule(Rule):
    kind = ""
    fix_availability = "always"

    def __init__(self, shared: _Shared) -> None:
        self.shared = shared

    def check_article(self, article: Article) -> Iterable[Finding]:
        for glue in self.shared.glue(article):
            if glue.kind != self.kind:
                continue
            edits = [Edit(seam, seam, " ") for seam in glue.seams]
            if glue.tier == detect.HIGH:
                fix = Fix.safe(*edits, message="Insert a space")
            else:
                fix = Fix.unsafe(*edits, message="Insert a space (check the split)")
            yield self.finding(article, glue.start, glue.end, glue.message, fix=fix)


class GluedSentence(_SpacingRule):
    """## What it does
    Finds a sentence or clause glued to the next one without a space: `attack.The`,
    `right?We`, `Delhi,Chinese`, `Topic:Cricket`, `GETTY)According`.

    ## Why is this bad?
    Scrapers that join paragraphs or block elements without whitespace produce these
    seams. Tokenisers then see one word (`attack.The`), sentence splitters miss the
    boundary, and search, counts and models downstream degrade.

    Abbreviations (`U.S.`, `p.m.`, `e.g.`), decimals, domains and file names
    (`Wired.com`, `report.PDF`), tickers (`(NYSE:CVX)`) and URLs are never flagged.

    ## Example
    ```text
    Ukraine said on Sunday it repelled the attack.The president thanked the army.
    ```
    Use instead:
    ```text
    Ukraine said on Sunday it repelled the attack. The president thanked the army.
    ```

    ## Fix safety
    The fix inserts one space after the punctuation and changes nothing else. It is
    safe for the high-confidence tier (a word of two or more letters, then `.`, `!`,
    `?`, `,`, `;` or `:`, then a word) and unsafe for the rest (a capitalised
    abbreviation before the seam, an ALL-CAPS word after it, a digit after it).
    """

    code = "NL201"
    name = "glued-sentence"
    summary = "missing space after sentence or clause punctuation"
    kind = detect.SENTENCE


class GluedQuote(_SpacingRule):
    """## What it does
    Finds a quotation glued to the words around it: `said."We`, `said:“We`,
    `heartache,"he`, `coming.”The`.

    ## Why is this bad?
    A quote seam without a space joins the speaker's words to the narration; quote
    extraction and sentence splitting then fail on the whole paragraph.

    ## Example
    ```text
    "We will rebuild," she said."It will take years."
    ```
    Use instead:
    ```text
    "We will rebuild," she said. "It will take years."
    ```

    ## Fix safety
    One space is inserted: before an opening quote and after a closing one. Curly
    quotes show the direction; for a straight `"` it is decided by quote parity in
    the line (an even number before it means it opens). The fix is safe when the
    line's straight quotes are balanced, and unsafe otherwise.
    """

    code = "NL202"
    name = "glued-quote"
    summary = "missing space before an opening quote or after a closing one"
    kind = detect.QUOTE


class GluedMasthead(_SpacingRule):
    """## What it does
    Finds a publication name or a credit label glued to the next or previous text:
    `The Washington PostDemocracy Dies in Darkness`, `WashingtonEditing by`,
    `privacy policyCopyright`.

    ## Why is this bad?
    Page chrome (mastheads, slogans, credits, copyright lines) was joined to the
    article without a separator; the glued token is neither the name nor the word.

    The list of mastheads is built in; add your own with `mastheads` in
    `[tool.newslint.spacing]`.

    ## Example
    ```text
    The Washington PostDemocracy Dies in Darkness
    ```
    Use instead:
    ```text
    The Washington Post Democracy Dies in Darkness
    ```

    ## Fix safety
    Safe: one space is inserted at the end of the masthead or before the label.
    """

    code = "NL203"
    name = "glued-masthead"
    summary = "masthead or credit label glued to the next word"
    kind = detect.MASTHEAD


class GluedCamelCase(_SpacingRule):
    """## What it does
    Finds two words glued at a lowercase-to-uppercase seam: `strategyShah`,
    `theCongressional`, `ofStephen`, `AmazonThe`, `ByLouis`, `MeghalayaAugust`.

    ## Why is this bad?
    The seam is where a scraper dropped the whitespace between two block elements
    (a link and the text after it, a heading and a paragraph).

    Legitimate mixed case is never flagged: names with prefixes (McConnell,
    DeSantis, LaGuardia, O'Rourke), brands and products the word data knows
    (YouTube, JPMorgan, iPhone, eBay, PlayStation), short lowercase prefixes
    (iPad, eBay, mRNA), ALL-CAPS parts (JPMorgan, macOS), and any mixed-case token
    that occurs twice in the article. Generic Title+Title camel case (MoneySense
    looks just like glue) is only flagged in `strict` mode or in an article that
    has plenty of certain glue already.

    ## Example
    ```text
    Read more from our correspondentShah said the talks failed.
    ```
    Use instead:
    ```text
    Read more from our correspondent Shah said the talks failed.
    ```

    ## Fix safety
    One space at the seam; safe when the left part is a dictionary word or a
    function word and the right part a known word, unsafe otherwise. Add brand names
    the word data does not know (it is frozen in 2021) to `allow`.
    """

    code = "NL204"
    name = "glued-camel-case"
    summary = "two words glued at a lowercase-to-uppercase seam"
    kind = detect.CAMEL


class GluedWords(_SpacingRule):
    """## What it does
    Finds an unknown word that is two or more known words without spaces:
    `Sundaythat`, `ofthe`, `witha`, `lungsof`, `paperpublished`, `2013that`, `of$28`.

    ## Why is this bad?
    The glued token is not a word: it hides both words from search and counts and
    looks like a spelling error to every tool downstream.

    A word counts as known when the word data lists it (wordfreq's large English
    list, names and brands included) or your `allow` list has it; the split must
    give dictionary words, usually with a function word (`the`, `of`, `that`) in
    it. Unknown Title-case words that occur twice are names and are skipped.

    ## Example
    ```text
    Haley told CBS on Sundaythat new sanctions were coming.
    ```
    Use instead:
    ```text
    Haley told CBS on Sunday that new sanctions were coming.
    ```

    ## Fix safety
    Spaces are inserted between the parts; nothing is re-cased or removed. Safe when
    the split pairs a function word with a frequent word, unsafe otherwise.
    """

    code = "NL205"
    name = "glued-words"
    summary = "an unknown word made of known words without spaces"
    kind = detect.WORDS


RULES = (GluedSentence, GluedQuote, GluedMasthead, GluedCamelCase, GluedWords)


def make_rules(options: Optional[dict[str, Any]] = None, root: Optional[Path] = None) -> list[_SpacingRule]:
    """The five rules sharing one analysis, with ``[tool.newslint.spacing]`` options (for tests and scripts)."""
    shared = _Shared(dict(options or {}), root)
    return [rule(shared) for rule in RULES]


@hookimpl
def newslint_addoption(parser):
    parser.addoption("allow", type="list", default=[], table="spacing",
                     help="words never reported as glued (names and brands the word data lacks)")
    parser.addoption("allow-file", type="str", default="", table="spacing",
                     help="a file of allowed words, one per line (# starts a comment)")
    parser.addoption("mastheads", type="list", default=[], table="spacing",
                     help="extra publication names to catch when glued to the next word")
    parser.addoption("strict", type="bool", default=False, table="spacing",
                     help="also report generic Title+Title camel case (noisier)")


def _root(config) -> Optional[Path]:
    """Relative paths in the configuration are relative to the configuration file."""
    config_file = getattr(config, "config_file", None)
    return Path(config_file).parent if config_file else getattr(config, "root", None)


@hookimpl
def newslint_configure(config):
    allow_file = config.table("spacing").get("allow-file")
    if allow_file:
        read_allow_file(allow_file, _root(config))  # a missing file stops the run with a usage error


@hookimpl
def newslint_register_rules(register, config):
    for rule in make_rules(config.table("spacing"), _root(config)):
        register(rule)
