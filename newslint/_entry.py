"""The ``newslint`` command: replay an unchanged run, or run it (and record it for next time)."""

from __future__ import annotations

import sys
from typing import Optional, Sequence


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``newslint`` script and ``python -m newslint``."""
    from . import _replay

    args = list(sys.argv[1:] if argv is None else argv)
    command = _replay.Command(args, sys.stdout, sys.stderr)
    code = _replay.replay(command, sys.stdout)
    if code is not None:
        return code
    from ._cli import main as run

    recorder = _replay.start(command, sys.stdout)
    try:
        code = run(args, stdout=recorder.stdout, stderr=sys.stderr)
        recorder.store(code)
    finally:
        _replay.stop()
    return code
