"""Which files a run reads: paths as given, folders walked in sorted order.

As in ruff, a walk skips hidden entries, git-ignored files (asking git once per
folder, when the folder is in a work tree) and the ``exclude`` patterns, and
keeps files that match ``include``. A file named on the command line is always
read, unless ``force-exclude`` is set: pre-commit always names files, so its
hook passes ``--force-exclude`` to honour a repository's ``exclude``.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from pathlib import Path
from typing import Iterable, Iterator, Optional

DEFAULT_INCLUDE = ["*.txt", "*.md", "*.markdown", "*.jsonl", "*.jsonl.gz", "*.ndjson"]
DEFAULT_EXCLUDE = [".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist",
                   ".newslint_cache", "*.egg-info"]


def _git_visible(folder: Path) -> Optional[set[str]]:
    """Absolute paths of the files git does not ignore below ``folder``; None outside a work tree."""
    probe = folder.resolve()
    if not any((p / ".git").exists() for p in (probe, *probe.parents)):
        return None
    try:
        out = subprocess.run(["git", "-C", str(probe), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {os.path.realpath(os.path.join(probe, name)) for name in out.decode("utf-8", "replace").split("\0") if name}


def _compile(patterns: Iterable[str]) -> "re.Pattern[str]":
    """One regex for a list of glob patterns (fnmatch semantics), matched in one call per path."""
    translated = [fnmatch.translate(p) for p in patterns]
    return re.compile("|".join(f"(?:{t})" for t in translated) if translated else r"(?!)")


class Discovery:
    """Expands the paths of a run into the files to read."""

    def __init__(self, include: Iterable[str], exclude: Iterable[str], root: Path,
                 force_exclude: bool = False) -> None:
        self.force_exclude = force_exclude
        self.include = _compile(include)
        # An excluded folder pattern also excludes everything below it.
        self.exclude = _compile([p for pattern in exclude for p in (pattern, pattern.rstrip("/") + "/*")])
        self.root = root.resolve()

    def excluded(self, path: Path) -> bool:
        if self.exclude.match(path.name):
            return True
        try:
            relative = path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            relative = path.as_posix()
        return bool(self.exclude.match(relative))

    def included(self, name: str) -> bool:
        return bool(self.include.match(name))

    def files(self, paths: Iterable[str]) -> Iterator[str]:
        for given in paths:
            path = Path(given)
            if given != "-" and path.is_dir():
                yield from self.walk(given)
            elif not (self.force_exclude and given != "-" and self.excluded(path)):
                yield given

    def walk(self, top: str) -> Iterator[str]:
        visible = _git_visible(Path(top))
        found = []
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if not d.startswith(".") and not self.excluded(Path(folder, d))]
            for name in files:
                if name.startswith(".") or not self.included(name):
                    continue
                full = os.path.normpath(os.path.join(folder, name))
                if self.excluded(Path(full)):
                    continue
                if visible is not None and os.path.realpath(full) not in visible:
                    continue
                found.append(full)
        # Sorted by path components, so a folder's files and subfolders interleave as `ls -R` sorts them.
        yield from sorted(found, key=lambda p: Path(p).parts)
