"""A newslint plugin that flags link text ("click here") whose link was lost in plain text."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from newslint import Article, Edit, Finding, Fix, Line, Rule, hookimpl

DEFAULT_PHRASES = (
    "click here",
    "tap here",
    "click this link",
    "click on this link",
    "click the link below",
    "follow this link",
)
#: Sentences longer than this probably carry news besides the link, so no fix is offered.
MAX_FIX_WORDS = 15
#: The end of a sentence: a full stop, question or exclamation mark, then closing quotes or brackets.
SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s|$)")
OPENING_QUOTES = "\"'\u201c\u2018"


@lru_cache(maxsize=8)
def phrase_pattern(phrases: tuple[str, ...]) -> "re.Pattern[str]":
    """One case-insensitive pattern for all phrases, compiled on first use, not at import."""
    words = sorted({tuple(p.lower().split()) for p in phrases if p.strip()}, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, w)) for w in words)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of ``text`` around ``text[start:end]``, with the space that separates it."""
    begin = 0
    for stop in SENTENCE_END.finditer(text, 0, start):
        begin = stop.end()
    close = SENTENCE_END.search(text, end)
    finish = close.end() if close else len(text)
    while begin < start and text[begin].isspace():
        begin += 1
    if begin == 0:
        # The first sentence of the line takes the space after it with it ...
        while finish < len(text) and text[finish].isspace():
            finish += 1
    else:
        # ... any other takes the space before it, so "A. Click here." becomes "A."
        while begin > 0 and text[begin - 1].isspace():
            begin -= 1
    return begin, finish


class DanglingLinkText(Rule):
    """## What it does
    Flags link text such as "click here", "tap here" or "follow this link" in
    an article's text.

    ## Why is this bad?
    On the web page those words were a link. Once the page is saved as plain
    text the link is gone, and the sentence sends the reader to nothing:
    "To read the full ruling, click here." Text like this is also a sign that
    page furniture came along with the story.

    A phrase inside quotation marks is not flagged ("the email urged staff to
    “click here” to reset their passwords" is reporting, not residue). Other
    reporting about links, e.g. on phishing, can still be flagged: suppress it
    with `<!-- newslint: ignore[EX101] -->`.

    Add phrases of your own in `[tool.newslint.example]`, e.g.
    `extend-phrases = ["read the full report here"]`.

    ## Example
    ```
    The court published its 90-page ruling on Tuesday. To read the full ruling, click here.
    ```

    Use instead:
    ```
    The court published its 90-page ruling on Tuesday.
    ```

    ## Fix safety
    The fix is unsafe: it deletes the whole sentence that holds the link
    text. That is right when the sentence only points at the link and wrong
    when it also carries news ("Click here for the results, which show turnout
    fell."), so it is offered only for sentences of at most 15 words and
    applied only with `--unsafe-fixes`.
    """

    code = "EX101"
    name = "dangling-link-text"
    summary = "Link text such as 'click here' whose link is gone"
    fix_availability = "sometimes"

    def __init__(self, phrases: tuple[str, ...] = DEFAULT_PHRASES) -> None:
        # Keep only the options here: registration happens on every run, even
        # when the rule is not selected, so the pattern is compiled lazily.
        self.phrases = tuple(phrases)

    def check_line(self, line: Line, article: Article) -> Iterator[Finding]:
        text = line.text
        for match in phrase_pattern(self.phrases).finditer(text):
            if match.start() > 0 and text[match.start() - 1] in OPENING_QUOTES:
                continue
            start, end = line.start + match.start(), line.start + match.end()
            yield self.finding(article, start, end, f"'{match[0]}' refers to a link the text no longer has",
                               fix=self.delete_sentence(line, match.start(), match.end()))

    def delete_sentence(self, line: Line, start: int, end: int) -> "Fix | None":
        begin, finish = sentence_span(line.text, start, end)
        if len(line.text[begin:finish].split()) > MAX_FIX_WORDS:
            return None
        return Fix.unsafe(Edit(line.start + begin, line.start + finish, ""),
                          message="Delete the sentence")


@hookimpl
def newslint_addoption(parser):
    parser.addoption("extend-phrases", type="list", default=[], table="example",
                     help="more link phrases to flag, besides 'click here' and the like")


@hookimpl
def newslint_register_rules(register, config):
    options = config.table("example")
    register(DanglingLinkText(DEFAULT_PHRASES + tuple(options.get("extend-phrases", []))))
