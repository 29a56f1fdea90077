"""newslint: a plugin-based data-quality linter for news text.

Everything a plugin may use is importable from here; modules whose names
start with an underscore are internal and may change without notice.
"""

from __future__ import annotations

import pluggy

from ._config import Config, OptionParser
from ._errors import ExitCode, UsageError
from ._executor import Executor, ExecutorFactory, corpus_map
from ._model import (Applicability, Article, ArticleRef, Edit, Finding, Fix, Line, Location,
                     ReadError, RunSummary, Severity)
from ._reporting import Command, Reporter, ReporterFactory
from ._rules import Rule
from ._run import Session

__version__ = "0.1.0"

#: Marks a function as the implementation of a newslint hook.
hookimpl = pluggy.HookimplMarker("newslint")

__all__ = [
    "Applicability", "Article", "ArticleRef", "Command", "Config", "Edit", "Executor", "ExecutorFactory",
    "ExitCode", "Finding",
    "Fix", "Line", "Location", "OptionParser", "ReadError", "Reporter", "ReporterFactory", "Rule",
    "RunSummary", "Session", "Severity", "UsageError", "corpus_map", "hookimpl", "__version__",
]
