"""The interfaces of output formats and of plugin subcommands."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping, Sequence, TextIO

if TYPE_CHECKING:
    from ._cli import Session
    from ._config import Config
    from ._model import ArticleRef, Finding, RunSummary
    from ._rules import Rule


class Reporter:
    """Base class of an output format: findings arrive one by one, in report order.

    A reporter that can stream (text, jsonl) writes in :meth:`add`; one that
    needs the whole run (sarif, junit) keeps what it needs and writes in
    :meth:`finish`.
    """

    def __init__(self, stream: TextIO, config: "Config") -> None:
        self.stream = stream
        self.config = config

    def start(self, rules: Sequence["Rule"]) -> None:
        """Called once before the first finding, with the selected rules."""

    def add(self, finding: "Finding") -> None:
        """Called for each finding to report."""

    def add_article(self, ref: "ArticleRef", metrics: Mapping[str, float]) -> None:
        """Called after each article that has metrics, when ``--metrics`` or ``--statistics`` asks for them."""

    def finish(self, summary: "RunSummary") -> None:
        """Called once at the end of the run."""


ReporterFactory = Callable[[TextIO, "Config"], Reporter]


@dataclass(frozen=True)
class Command:
    """An extra ``newslint`` subcommand that a plugin adds (``newslint index build``)."""

    name: str
    help: str
    #: Adds the subcommand's own arguments to its argparse parser.
    add_arguments: Callable[[argparse.ArgumentParser], None]
    #: Runs it; returns the exit code.
    run: Callable[[argparse.Namespace, "Session"], int]
