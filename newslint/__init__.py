"""newslint: a plugin-based data-quality linter for news text.

Everything a plugin may use is importable from here; modules whose names
start with an underscore are internal and may change without notice.

The names load on first use (PEP 562), so a re-run that is replayed from the
cache (see ``_replay``) starts without importing the core or any plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the internal module that defines it.
_EXPORTS = {
    "Config": "_config", "OptionParser": "_config",
    "ExitCode": "_errors", "UsageError": "_errors",
    "Executor": "_executor", "ExecutorFactory": "_executor", "corpus_map": "_executor",
    "Applicability": "_model", "Article": "_model", "ArticleRef": "_model", "Edit": "_model",
    "Finding": "_model", "Fix": "_model", "Line": "_model", "Location": "_model", "ReadError": "_model",
    "RunSummary": "_model", "Severity": "_model",
    "Command": "_reporting", "Reporter": "_reporting", "ReporterFactory": "_reporting",
    "Rule": "_rules",
    "Session": "_run",
}

__all__ = [
    "Applicability", "Article", "ArticleRef", "Command", "Config", "Edit", "Executor", "ExecutorFactory",
    "ExitCode", "Finding",
    "Fix", "Line", "Location", "OptionParser", "ReadError", "Reporter", "ReporterFactory", "Rule",
    "RunSummary", "Session", "Severity", "UsageError", "corpus_map", "hookimpl", "__version__",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    import pluggy

    from ._config import Config, OptionParser
    from ._errors import ExitCode, UsageError
    from ._executor import Executor, ExecutorFactory, corpus_map
    from ._model import (Applicability, Article, ArticleRef, Edit, Finding, Fix, Line, Location,
                         ReadError, RunSummary, Severity)
    from ._reporting import Command, Reporter, ReporterFactory
    from ._rules import Rule
    from ._run import Session

    hookimpl: pluggy.HookimplMarker


def __getattr__(name: str) -> Any:
    if name == "hookimpl":
        import pluggy

        #: Marks a function as the implementation of a newslint hook.
        value: Any = pluggy.HookimplMarker("newslint")
    elif name in _EXPORTS:
        from importlib import import_module

        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    else:
        raise AttributeError(f"module 'newslint' has no attribute {name!r}")
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
