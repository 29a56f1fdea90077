"""A results cache like ruff's: a file's results keyed by its content, the settings and the plugins.

A re-run over unchanged files (same size and modification time) reuses the stored
results (findings, metrics and the corpus rules' sketches) without running any
rule. The cache is one SQLite file; a damaged or locked cache is ignored, never
an error, since it only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

#: Files larger than this are not cached: their results would be held in memory until the file ends.
MAX_CACHED_BYTES = 64 * 1024 * 1024


def settings_fingerprint(config_values: dict[str, Any], tables: dict[str, Any], rule_codes: list[str],
                         code: list[tuple[str, int, int]], version: str, files_read: Iterable[str] = ()) -> str:
    """A hash of everything besides the file's content that changes results.

    ``code``: the :func:`code_stamps` of the plugins. ``files_read``: what the run
    read before checking (configuration, rule packs, word lists named in it):
    editing one must not reuse results.
    """
    ignored = {"format", "output-file", "quiet", "verbose", "statistics", "jobs", "no-cache",
               "cache-dir", "no-progress", "exit-zero"}
    settings = {k: v for k, v in config_values.items() if k not in ignored}
    data = file_stamps(_data_files(files_read, {path for path, _, _ in code}))
    stamps = sorted(set(code) | set(data))
    blob = json.dumps([version, sys.version_info[:2], settings, tables, sorted(rule_codes), sorted(stamps)],
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def code_stamps(modules: list[Any]) -> Iterator[tuple[str, int, int]]:
    """Size and time of every file of the packages the plugins (and newslint) come from.

    A plugin edited in place (an editable install), its private modules or its
    data files must not reuse results: a package folder is a few dozen stats.
    A plugin that is a lone top-level module contributes only its own file.
    """
    folders, files = set(), set()
    for module in [sys.modules[__name__.split(".")[0]], *modules]:
        name = getattr(module, "__name__", "")
        top = sys.modules.get(name.split(".")[0])
        if top is not None and getattr(top, "__path__", None):
            folders.update(top.__path__)
        elif getattr(module, "__file__", None):
            files.add(module.__file__)
    for folder in folders:
        for base, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            files.update(os.path.join(base, n) for n in names)
    return file_stamps(files)


_CODE_SUFFIXES = (".py", ".pyc", ".pyi", ".so", ".pyd", ".pth", ".dll", ".dylib")


def _data_files(paths: Iterable[str], code: set[str]) -> list[str]:
    """The files read that are neither code nor installed packages (those are stamped as code):
    configuration, house rule packs, word lists. Which modules a run imports depends on what
    the process imported before, so only these keep an in-process key stable."""
    prefixes = tuple({os.path.join(p, "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    return [p for p in paths if p not in code and not p.endswith(_CODE_SUFFIXES) and not p.startswith(prefixes)
            and ".dist-info" not in p and ".egg-info" not in p]


def file_stamps(paths: Iterable[str]) -> Iterator[tuple[str, int, int]]:
    """(path, size, modification time) of each path that exists."""
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        yield path, stat.st_size, stat.st_mtime_ns


class ResultCache:
    """Stored results per (path, content, settings)."""

    def __init__(self, directory: Path, fingerprint: str, code_files: Iterable[str] = ()) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        #: The plugin files the fingerprint stamps (a replayed run checks them too).
        self.code_files = list(code_files)
        import sqlite3  # only runs that use the cache pay for it

        self.errors = (sqlite3.Error,)
        self.db: Optional["sqlite3.Connection"] = None
        self.pending: list[tuple[str, bytes]] = []
        try:
            directory.mkdir(parents=True, exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by newslint.\n*\n", encoding="utf-8")
            self.db = sqlite3.connect(str(directory / "results.sqlite3"), timeout=2)
            self.db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB)")
        except (OSError, sqlite3.Error):
            self.db = None

    def key(self, path: str) -> Optional[str]:
        """The cache key of the file at ``path`` now, or None when it is not cacheable.

        As ruff does, a file counts as unchanged while its size and modification
        time (in nanoseconds) are: a warm run then reads no file at all.
        """
        if self.db is None or path == "-":
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if stat.st_size > MAX_CACHED_BYTES:
            return None
        stamp = f"{self.fingerprint}\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ino}"
        return hashlib.sha256(stamp.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Optional[list]:
        assert self.db is not None
        try:
            row = self.db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
            return pickle.loads(row[0]) if row else None
        except Exception:  # a damaged entry is a miss
            return None

    def get_many(self, keys: list[str]) -> dict[str, list]:
        """The stored results of each key that has some, in one query per 500 keys."""
        found: dict[str, list] = {}
        if self.db is None:
            return found
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            try:
                rows = self.db.execute(f"SELECT key, value FROM results WHERE key IN ({','.join('?' * len(chunk))})",
                                       chunk).fetchall()
            except self.errors:
                continue
            for key, value in rows:
                try:
                    found[key] = pickle.loads(value)
                except Exception:  # a damaged entry is a miss
                    pass
        return found

    def put(self, key: str, results: list) -> None:
        try:
            self.pending.append((key, pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)))
        except Exception:
            return
        if len(self.pending) >= 500:
            self.flush()

    def flush(self) -> None:
        if self.db is None or not self.pending:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", self.pending)
        except self.errors:
            pass
        self.pending = []

    def close(self) -> None:
        self.flush()
        if self.db is not None:
            self.db.close()
