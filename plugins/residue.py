"""Scraping residue (NL1xx): lines and fragments that are not the article, from declarative rule packs.

The knowledge lives in TOML packs (``data/residue/*.toml``), in the format users
write for their own house rules; see ``docs/rules-residue.md``.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from newslint import Article, Edit, Fix, Rule, UsageError, hookimpl

from . import _residue_analysis as analysis
from ._residue_catalogue import (Catalogue, Entry, MatchTimeout, PackError, builtin_packs, compile_user_pattern,
                                 load_pack_file, parse_pack, probe)

TABLE = "residue"
DEFAULT_TIMEOUT = 0.1
BUILTIN_CODES = ("NL101", "NL102", "NL103", "NL104", "NL105", "NL106", "NL107")


# -- settings ------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """What the ``[tool.newslint.residue]`` table says, in a hashable form (it keys the catalogue cache)."""

    packs: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    allow_patterns: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    inline_rules: tuple[tuple[tuple[str, Any], ...], ...] = ()
    root: str = "."


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple) and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str)
                                        for v in value) and value:
        return {k: _thaw(v) for k, v in value}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def settings_from(config) -> Settings:
    table = config.table(TABLE)
    rules = table.get("rules") or []
    if not isinstance(rules, list):
        raise UsageError("[tool.newslint.residue] rules must be an array of tables ([[tool.newslint.residue.rules]])")
    timeout = table.get("timeout", DEFAULT_TIMEOUT)
    if timeout is None or timeout <= 0:
        raise UsageError("[tool.newslint.residue] timeout must be a positive number of seconds")
    return Settings(tuple(table.get("packs") or ()), tuple(table.get("disable-packs") or ()),
                    tuple(table.get("allow") or ()), tuple(table.get("allow-patterns") or ()), float(timeout),
                    tuple(_freeze(r) for r in rules), str(getattr(config, "root", ".")))


@functools.lru_cache(maxsize=8)
def user_packs(settings: Settings) -> tuple:
    """The user's packs (files, then inline rules), validated; raises PackError."""
    packs = []
    for name in settings.packs:
        path = Path(name)
        if not path.is_absolute():
            path = Path(settings.root) / path
        packs.append(load_pack_file(path))
    if settings.inline_rules:
        data = {"pack": {"name": "config"}, "rules": [_thaw(r) for r in settings.inline_rules]}
        packs.append(parse_pack(data, "config", builtin=False, path="[[tool.newslint.residue.rules]]"))
    return tuple(packs)


def _active_entries(settings: Settings) -> list[Entry]:
    packs = list(builtin_packs()) + list(user_packs(settings))
    names: dict[str, Entry] = {}
    for pack in packs:
        for entry in pack.entries:
            if entry.name in names:
                raise PackError(f"{entry.where}: the name {entry.name!r} is already used by "
                                f"{names[entry.name].where}; rule names must be unique")
            names[entry.name] = entry
    known = {p.name for p in packs} | set(names)
    for name in settings.disable:
        if name not in known:
            raise PackError(f"disable-packs: no pack or rule is called {name!r}"
                            + _suggest(name, sorted(known)))
    off = set(settings.disable)
    return [e for p in packs if p.name not in off for e in p.entries if e.name not in off]


def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""


@functools.lru_cache(maxsize=8)
def catalogue_for(settings: Settings) -> Catalogue:
    """The compiled catalogue for these settings, built on first use (never at import or registration)."""
    catalogue = Catalogue(_active_entries(settings), settings.allow, settings.allow_patterns, settings.timeout)
    catalogue.builtin_only = not (settings.packs or settings.inline_rules or settings.disable
                                  or settings.allow or settings.allow_patterns)
    return catalogue


def validate(settings: Settings) -> None:
    """Raise UsageError for any problem in the user's packs, names or patterns (configure time)."""
    if not (settings.packs or settings.inline_rules or settings.disable or settings.allow_patterns):
        return  # nothing of the user's to check; the built-in packs are tested, and parsed only when used
    try:
        entries = _active_entries(settings)
        for entry in entries:
            if entry.builtin:
                continue
            if entry.code.startswith("NL") and entry.code not in BUILTIN_CODES:
                raise PackError(f"{entry.where}: code {entry.code} is reserved for newslint's own rules; "
                                f"use one of {', '.join(BUILTIN_CODES)} or a prefix of your own (e.g. ACME101)")
            flags = 0 if entry.scope == "inline" else _regex_ignorecase()
            for pattern in entry.patterns:
                probe(compile_user_pattern(pattern, entry, flags), entry, settings.timeout)
        import regex
        for pattern in settings.allow_patterns:
            try:
                compiled = regex.compile(pattern, regex.IGNORECASE)
            except regex.error as error:
                raise PackError(f"allow-patterns: invalid regular expression {pattern!r}: {error}") from None
            probe(compiled, Entry("allow-patterns", "NL101", "", "regex", "line", "none", "allow-patterns"),
                  settings.timeout)
    except PackError as error:
        raise UsageError(f"[tool.newslint.residue] {error}") from None


def _regex_ignorecase() -> int:
    import regex
    return regex.IGNORECASE


# -- the shared analysis -----------------------------------------------------------

class _Shared:
    """The last article's analysis, so the residue rules analyse an article once between them."""

    article: Optional[Article] = None
    text: Optional[str] = None
    catalogue: Optional[Catalogue] = None
    result: Optional[analysis.Analysis] = None


def analyse(article: Article, catalogue: Catalogue) -> analysis.Analysis:
    shared = _Shared
    if shared.article is article and shared.text is article.text and shared.catalogue is catalogue:
        return shared.result  # type: ignore[return-value]
    result = analysis.analyse(article.lines, catalogue, article.text)
    shared.article, shared.text, shared.catalogue, shared.result = article, article.text, catalogue, result
    return result


def line_span(article: Article, index: int) -> tuple[int, int]:
    """Offsets of line ``index`` with its line break: what deleting the line removes."""
    line = article.lines[index]
    end = line.end
    text = article.text
    if text.startswith("\r", end):
        end += 1
    if text.startswith("\n", end):
        end += 1
    return line.start, end


class ResidueRule(Rule):
    """Base of the residue rules: turn the shared analysis's verdicts for ``code`` into findings."""

    code = "NL100"
    name = "residue"
    summary = "residue"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._catalogue: Optional[Catalogue] = None

    def check_article(self, article: Article) -> Iterable:
        catalogue = self._catalogue
        if catalogue is None:  # built on the first article, never at registration
            catalogue = self._catalogue = catalogue_for(self.settings)
        result = analyse(article, catalogue)
        if self.code == "NL101":
            article.add_metric("residue_lines", result.residue_lines)
        if result.timeouts:
            messages, result.timeouts = result.timeouts, []
            raise MatchTimeout("; ".join(messages))
        verdicts = result.verdicts.get(self.code)
        if not verdicts:
            return ()  # most articles: a plain return, no generator
        return [self._finding(article, verdict) for verdict in verdicts]

    def _finding(self, article: Article, verdict: analysis.Verdict):
        line = article.lines[verdict.index]
        if verdict.start >= 0:
            start, end = line.start + verdict.start, line.start + verdict.end
        else:
            start, end = line.start, line.end
        return self.finding(article, start, end, verdict.message, fix=_fix(article, verdict, start, end))


def _fix(article: Article, verdict: analysis.Verdict, start: int, end: int) -> Optional[Fix]:
    if verdict.fix == "delete-line":
        s, e = line_span(article, verdict.index)
        edit = Edit(s, e, "")
        message = "delete the line"
    elif verdict.fix == "replace":
        edit = Edit(start, end, verdict.replacement)
        message = f"replace with {verdict.replacement!r}"
    elif verdict.fix == "delete":
        # Take one neighbouring space with the fragment so no double space is left behind.
        text = article.text
        if start > 0 and text[start - 1] == " ":
            start -= 1
        elif text.startswith(" ", end):
            end += 1
        edit = Edit(start, end, "")
        message = "delete the fragment"
    else:
        return None
    return Fix.safe(edit, message=message) if verdict.safe else Fix.unsafe(edit, message=message)


class ResidueLine(ResidueRule):
    """## What it does
    Reports a whole line that is known scraping residue: an advertising marker
    ("Advertisement", "Story continues below advertisement"), a loading
    placeholder or script notice, a comment widget, share and follow buttons, a
    newsletter, subscription or paywall prompt, a cookie banner, a "Read more" or
    "Related" line, a tag or "filed under:" line, a masthead or slogan, a
    reading-time, timestamp or audio widget, or a copyright, syndication or
    disclaimer footer.

    The knowledge is a catalogue of phrase and pattern entries in TOML packs
    (`newslint_plugins/data/residue/`), which users extend with their own packs.
    Entries match whole lines after trimming, whitespace collapsing and case
    folding, so a body sentence that merely mentions "advertisement" is never
    flagged. The message names the pack and entry that matched.

    ## Why is this bad?
    Residue is not the article. It pollutes training data, summaries and search
    indexes, breaks duplicate detection (two copies of a story differ only in
    their residue) and skews every text statistic.

    ## Example
    ```text
    Officials said the bridge would reopen on Monday.
    Advertisement
    The repairs cost $2 million, the city said.
    ```
    `Advertisement` is reported: advertising marker (advertising/advertisement-marker).

    ## Fix safety
    Deleting the whole line (and its line break) is safe: the line is entirely
    residue, and nothing else changes. Entries declared with `fix = "none"` have
    no fix.
    """

    code = "NL101"
    name = "residue-line"
    summary = "A whole line of known scraping residue (ads, widgets, prompts, footers)"
    fix_availability = "sometimes"


class ResidueInline(ResidueRule):
    """## What it does
    Reports known residue glued into a body line, where an extractor joined a
    widget's text to the paragraphs around it: "...said Tuesday. Advertisement
    The bill...". Inline phrases match with their case as written and only at a
    sentence boundary, so "an advertisement for the show" is not reported.

    ## Why is this bad?
    The marker becomes part of a sentence: it corrupts the text itself, not just
    the article's edges, and no line-level filter can remove it.

    ## Example
    ```text
    The council voted on Tuesday. Advertisement The bill now goes to the mayor.
    ```
    `Advertisement` is reported.

    ## Fix safety
    Removing the fragment (with one adjacent space) is unsafe: it edits inside a
    body line, and a phrase at a sentence boundary can, rarely, be a real word.
    """

    code = "NL102"
    name = "residue-inline"
    summary = "Known residue glued inside a body line"
    fix_availability = "sometimes"


class RepeatedLine(ResidueRule):
    """## What it does
    Reports a line that repeats an earlier line of the same article, alone or
    with a photo credit appended: the typical photo caption printed twice, once
    as alt text and once with "(Jane Doe/AFP/Getty Images)". A long sentence
    repeated far from its first copy (a pull quote) is left alone; a repeated
    line that is already known residue is reported by NL101 instead.

    ## Why is this bad?
    Duplicated lines inflate the text, over-weight one passage, and show the
    extractor read the same element twice.

    ## Example
    ```text
    The mayor at the opening of the bridge on Monday.
    The mayor at the opening of the bridge on Monday. (Jane Doe/Reuters)
    ```
    The second line is reported: it repeats line 1 with a photo credit appended.

    ## Fix safety
    Deleting the later copy (the line and its line break) is safe: the first
    copy keeps the words.
    """

    code = "NL103"
    name = "repeated-line"
    summary = "A line that repeats an earlier line, alone or with a credit appended"
    fix_availability = "always"


class PhotoCredit(ResidueRule):
    """## What it does
    Reports photo credits and captions: credit lines ("(Jane Doe/AFP/Getty
    Images)", "AP Photo/John Smith", "Photo: Reuters", "Image copyright Getty
    Images"), caption markers ("FILE PHOTO:", "Image caption ...", "In this
    Nov. 18 photo, ..."), captions that end with a credit ("... (Image:
    GETTY)", "... Credit: ESA", "... REUTERS/Jane Doe"), and, from context, a
    caption line directly above its lone credit line or above its own copy with
    the credit appended.

    ## Why is this bad?
    Captions describe a picture the text no longer has; read as body they
    interrupt the story and repeat it.

    ## Example
    ```text
    Crowds gather outside the court on Monday. (Jane Doe/AFP/Getty Images)
    ```

    ## Fix safety
    Deleting a line matched by the catalogue is safe. Deleting a caption found
    only from context (the line above a credit) is unsafe: the line itself
    carries no marker.
    """

    code = "NL104"
    name = "photo-credit"
    summary = "A photo credit or caption line"
    fix_availability = "sometimes"


class MarkupResidue(ResidueRule):
    """## What it does
    Reports markup left in the text: HTML tags (`<div>`, `<br/>`, `<img ...>`),
    HTML entities (`&nbsp;`, `&amp;`, `&#8217;`), `[object Object]`,
    JavaScript's `undefined` glued to a word, template placeholders
    (`{{ headline }}`, `${name}`), and whole lines of script or style. HTML
    comments are not reported: newslint's own suppression comments
    (`<!-- newslint: ignore[NL101] -->`) are comments.

    ## Why is this bad?
    Markup is not text: it shows the extractor failed on that element, breaks
    tokenisation and leaks page code into the data.

    ## Example
    ```text
    Prices rose&nbsp;3% in May.<br>
    ```
    `&nbsp;` and `<br>` are reported.

    ## Fix safety
    Decoding an entity into its character is safe (except `&lt;` and `&gt;`,
    which would become markup). Deleting a tag, a placeholder or a script line
    is unsafe: the tag may have wrapped text that needed a space or a line
    break.
    """

    code = "NL105"
    name = "markup-residue"
    summary = "HTML tags and entities, script and template fragments in the text"
    fix_availability = "sometimes"


class LinkList(ResidueRule):
    """## What it does
    Reports the link titles of a related-stories block: the headline-like lines
    (a few words, no sentence end) under a list heading such as "Related
    articles", "More:", "You may also like" or "Most Popular" (catalogue
    entries with `list-heading = true`), up to the first sentence; and
    all-capitals headlines of eight words or more inside the body (promoted
    links; shorter all-capitals lines are subheads).

    ## Why is this bad?
    The titles are other articles' headlines: they mix other stories into this
    one and look like subheads to anything that reads the text.

    ## Example
    ```text
    Related articles
    Council approves new budget
    Floods close the valley road again
    ```
    The two titles are reported (the heading is NL101).

    ## Fix safety
    Deleting a title line is unsafe: the list's end is found from the lines'
    shape, and a short body line can look like a headline.
    """

    code = "NL106"
    name = "link-list"
    summary = "Headline-like link titles of a related-stories list"
    fix_availability = "always"


class ResidueCluster(ResidueRule):
    """## What it does
    Reports short lines that are not sentences (a few words, no sentence end)
    inside a block of known residue: the unknown lines of a share bar, a
    newsletter box, a footer or a list of links, when the block holds at least
    one line the catalogue knows and at least two it does not. Such blocks sit
    at the head and tail of an article, where page chrome collects. `” ’ » )`
    count as sentence ends, so a paragraph ending in a curly quote is never
    taken for residue (C4's filter would drop it). Bylines and datelines are
    never reported.

    ## Why is this bad?
    Residue comes in blocks; the catalogue cannot know every site's link titles
    and labels, but it knows their neighbours.

    ## Example
    ```text
    The ministry did not respond to a request for comment.
    Asia
    Afghanistan
    United States
    ```
    `Asia` is a known section label (NL101); `Afghanistan` and `United States`
    are reported by this rule.

    ## Fix safety
    Deleting the line is unsafe: the rule goes by shape and neighbourhood.
    """

    code = "NL107"
    name = "residue-cluster"
    summary = "A short non-sentence line inside a block of known residue"
    fix_availability = "always"


RULES = (ResidueLine, ResidueInline, RepeatedLine, PhotoCredit, MarkupResidue, LinkList, ResidueCluster)


def custom_rule(code: str, entries: list[Entry], settings: Settings) -> ResidueRule:
    """A rule for the entries of a user pack that chose a code of their own."""
    first = entries[0]
    doc = (f"## What it does\nReports lines matched by the house residue rules "
           f"{', '.join(e.name for e in entries)} (pack {first.pack!r}).\n\n"
           "## Why is this bad?\nThe pack's authors declared these lines residue.\n\n"
           f"## Example\n{(first.examples or ('(no example given)',))[0]}\n\n"
           "## Fix safety\nDeleting a whole matched line is safe; removing an inline match is unsafe.\n")
    cls = type(f"House{code}", (ResidueRule,), {
        "__doc__": doc, "code": code, "name": first.name, "summary": first.message,
        "fix_availability": "sometimes"})
    return cls(settings)


# -- what other plugins use ----------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _builtin_catalogue() -> Catalogue:
    return Catalogue([e for p in builtin_packs() for e in p.entries])


def is_residue_line(text: str) -> bool:
    """Whether ``text`` (one line) is whole-line residue by the built-in catalogue alone.

    No context is used (no link lists, captions or repeats), so it is cheap and
    stable: the duplicates plugin drops these lines before fingerprinting.
    """
    entry = _builtin_catalogue().match_line(text)
    return entry is not None and entry.scope != "inline"


def shared_residue_lines(text: str) -> Optional[list[int]]:
    """The indices of the lines of ``text.split("\\n")`` that ``is_residue_line`` accepts, when the
    residue rules have just analysed this very ``text`` (the same object) with the built-in catalogue
    alone; else None.

    In a check the residue rules run on an article before the corpus rules collect from it, so the
    duplicate rules can take these verdicts instead of testing every line again.
    """
    shared = _Shared
    result = shared.result
    if shared.text is not text or result is None or result.whole_lines is None or "\r" in text \
            or shared.catalogue is None or not shared.catalogue.builtin_only:
        return None
    return list(result.whole_lines)


def residue_line_flags(lines: Sequence[str]) -> list[bool]:
    """``[is_residue_line(line) for line in lines]`` for the lines of one article, computed faster.

    ``lines`` are one article's lines, in order, as ``text.split("\\n")`` gives them; blank lines are
    never residue. The article is searched as a whole for what each kind of catalogue entry needs (how
    a line starts, an anchor or a trigger, an unfinished end), so most lines are settled without being
    cleaned or matched, and the rest get the tests ``is_residue_line`` runs: the answer is the same,
    line for line. (Were a line to hold a line break, the article is tested line by line.)
    """
    return _builtin_catalogue().line_flags(lines)


# -- hooks ---------------------------------------------------------------------------

@hookimpl
def newslint_addoption(parser):
    parser.addoption("packs", type="list", default=[], table=TABLE,
                     help="extra residue rule packs (TOML files, relative to the configuration file)")
    parser.addoption("disable-packs", type="list", default=[], table=TABLE,
                     help="built-in packs or rules to turn off, by name (e.g. mastheads, share-button)")
    parser.addoption("allow", type="list", default=[], table=TABLE,
                     help="lines never reported as residue (compared trimmed and case-folded)")
    parser.addoption("allow-patterns", type="list", default=[], table=TABLE,
                     help="regular expressions for lines never reported as residue (whole line, any case)")
    parser.addoption("timeout", type="float", default=DEFAULT_TIMEOUT, table=TABLE,
                     help="seconds a user pattern may run on one line before it is stopped")
    try:
        parser.addoption("rules", type="tables", default=[], table=TABLE,
                         help="house residue rules ([[tool.newslint.residue.rules]]), same format as a pack")
    except ValueError:
        pass  # this core has no list-of-tables option type yet: house rules come from pack files


@hookimpl
def newslint_configure(config):
    validate(settings_from(config))


@hookimpl
def newslint_register_rules(register, config):
    settings = settings_from(config)
    for cls in RULES:
        register(cls(settings))
    try:
        packs = user_packs(settings)
    except PackError:
        return  # newslint_configure reports it
    custom: dict[str, list[Entry]] = {}
    for pack in packs:
        for entry in pack.entries:
            if entry.code not in BUILTIN_CODES and not entry.code.startswith("NL"):
                custom.setdefault(entry.code, []).append(entry)
    for code, entries in sorted(custom.items()):
        register(custom_rule(code, entries, settings))
