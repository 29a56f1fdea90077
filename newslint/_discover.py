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


def _git_visible(folder: str) -> Optional[set[str]]:
    """Paths, relative to ``folder``, of the files git does not ignore below it; None outside a work tree."""
    probe = Path(folder).resolve()
    if not any((p / ".git").exists() for p in (probe, *probe.parents)):
        return None
    try:
        out = subprocess.run(["git", "-C", str(probe), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {name for name in out.decode("utf-8", "replace").split("\0") if name}


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
        """The files below ``top``, working on strings: a corpus folder has many thousands of them."""
        visible = _git_visible(top)
        # Paths below top, relative to the config root, for the exclude patterns (computed once).
        try:
            base = Path(top).resolve().relative_to(self.root).as_posix()
            base = "" if base == "." else base + "/"
        except ValueError:
            base = None
        exclude = self.exclude.match
        found = []
        for folder, dirs, files in os.walk(top):
            below = os.path.relpath(folder, top)
            below = "" if below == "." else below.replace(os.sep, "/") + "/"
            dirs[:] = [d for d in dirs if not d.startswith(".") and not exclude(d)
                       and not (base is not None and exclude(base + below + d))]
            for name in files:
                if name.startswith(".") or not self.include.match(name) or exclude(name):
                    continue
                if base is not None and exclude(base + below + name):
                    continue
                if visible is not None and below + name not in visible:
                    continue
                found.append(os.path.normpath(os.path.join(folder, name)))
        # Sorted by path components, so a folder's files and subfolders interleave as `ls -R` sorts them.
        yield from sorted(found, key=lambda p: p.split(os.sep))
