"""Shared fixtures: small in-process plugins whose rules the core tests drive."""

from __future__ import annotations

import re

import pytest

from newslint import Edit, Fix, Rule, hookimpl

#: Real lines from the seed articles, used to build test articles.
SEED_LINE = "At an early evening news conference Wednesday, Trump was questioned about the scrubbed sanctions."


class DoubleSpace(Rule):
    """## What it does
    Flags two spaces in a row.

    ## Why is this bad?
    Test rule.

    ## Example
    `a  b`

    ## Fix safety
    Safe: replaces them with one space.
    """

    code = "TST001"
    name = "double-space"
    summary = "Two spaces in a row"
    fix_availability = "always"

    def check_line(self, line, article):
        for match in re.finditer(r"  +", line.text):
            start = line.start + match.start()
            yield self.finding(article, start, line.start + match.end(), "two spaces",
                               fix=Fix.safe(Edit(start, line.start + match.end(), " ")))


class ShoutedWord(Rule):
    """## What it does
    Flags a word in capitals, with an unsafe fix.

    ## Why is this bad?
    Test rule.

    ## Example
    `BREAKING`

    ## Fix safety
    Unsafe: lowercases it.
    """

    code = "TST002"
    name = "shouted-word"
    summary = "A word in capitals"
    fix_availability = "always"

    def check_line(self, line, article):
        for match in re.finditer(r"\b[A-Z]{5,}\b", line.text):
            start = line.start + match.start()
            end = line.start + match.end()
            yield self.finding(article, start, end, f"shouted word {match[0]}",
                               fix=Fix.unsafe(Edit(start, end, match[0].lower())))


class Crashes(Rule):
    """## What it does
    Raises on every article mentioning Kudlow.

    ## Why is this bad?
    Test rule.

    ## Example
    `Kudlow`

    ## Fix safety
    No fix.
    """

    code = "TST003"
    name = "crashes"
    summary = "Raises"

    def check_article(self, article):
        if "Kudlow" in article.text:
            raise ValueError("boom")
        return ()


class SameFirstLine(Rule):
    """## What it does
    A corpus rule: articles whose first lines are equal.

    ## Why is this bad?
    Test rule.

    ## Example
    Two copies.

    ## Fix safety
    No fix.
    """

    code = "TST004"
    name = "same-first-line"
    summary = "Same first line"

    def collect(self, article):
        return article.lines[0].text if article.lines else None

    def finalize(self, collected):
        seen = {}
        for ref, first in collected:
            if first in seen:
                other = seen[first]
                yield self.finding_at(ref, 1, f"same first line as {other.path}", related=[other.location(1)])
            else:
                seen[first] = ref


class TestPlugin:
    """An in-process plugin registering the test rules."""

    @hookimpl
    def newslint_register_rules(self, register, config):
        for rule in (DoubleSpace(), ShoutedWord(), Crashes(), SameFirstLine()):
            register(rule)


@pytest.fixture
def test_plugin():
    return TestPlugin()
