"""The hooks a newslint plugin may implement.

Hooks wire plugins into a run; they are called once per run, never per line.
Checking itself happens in plain method calls on :class:`newslint.Rule`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Union

import pluggy

if TYPE_CHECKING:
    from ._config import Config, OptionParser
    from ._executor import ExecutorFactory
    from ._model import Article, ReadError, RunSummary
    from ._reporting import Command, ReporterFactory
    from ._rules import Rule

hookspec = pluggy.HookspecMarker("newslint")


@hookspec
def newslint_addoption(parser: "OptionParser") -> None:
    """Declare options; each becomes a ``--flag`` and a key under ``[tool.newslint]`` (or a sub-table)."""


@hookspec
def newslint_configure(config: "Config") -> None:
    """Check this plugin's settings once they are final; raise UsageError to stop the run."""


@hookspec
def newslint_register_rules(register: Callable[["Rule"], None], config: "Config") -> None:
    """Call ``register(rule)`` once for each rule this plugin provides."""


@hookspec
def newslint_register_formats(register: Callable[[str, "ReporterFactory"], None]) -> None:
    """Call ``register(name, factory)`` for each output format ``--format`` may name."""


@hookspec
def newslint_register_commands(register: Callable[["Command"], None]) -> None:
    """Call ``register(command)`` for each extra ``newslint`` subcommand this plugin adds."""


@hookspec
def newslint_register_executors(register: Callable[[str, "ExecutorFactory"], None]) -> None:
    """Call ``register(name, factory)`` for each engine ``--executor`` may name (e.g. ``dask``)."""


@hookspec(firstresult=True)
def newslint_read_path(path: Path, config: "Config") -> Optional[Iterable[Union["Article", "ReadError"]]]:
    """Return the articles stored at ``path`` (lazily for large corpora), or None to let another reader try."""


@hookspec
def newslint_run_finished(summary: "RunSummary", config: "Config") -> None:
    """Called once after the report is written."""
