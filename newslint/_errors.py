"""Exceptions and exit codes the core raises and returns."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What ``newslint`` exits with."""

    #: No findings (or ``--exit-zero``).
    OK = 0
    #: At least one finding was reported.
    FINDINGS = 1
    #: A usage, configuration or plugin error; with a plugin error the run still reports the rest.
    ERROR = 2


class UsageError(Exception):
    """A mistake on the command line or in the configuration; the run stops with exit code 2."""
