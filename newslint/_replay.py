"""Replaying a check run whose inputs have not changed, as build tools replay a cached task.

The results cache (``_cache``) spares a re-run the rule work, but the re-run
still starts the interpreter, loads every plugin, reads the cached results,
pairs the corpus and formats the report: about a tenth of a cold run. When
nothing a run depended on has changed, neither has its output. So a check run
records what it depended on (every file this process opened for reading and
every folder it listed, seen through an audit hook; the input files, read by
workers too; the plugins' code; the git ignore files; the folders of
``sys.path``, which change when a package is installed) with its standard
output and exit code. The same command in the same folder then stats those
paths and, when every one is unchanged, prints the stored output without
importing the core or any plugin.

A run is recorded only when replaying it is exact: a plain ``check`` (no
``--fix``, ``--diff``, ``--output-file``, ``--verbose``, ``--no-cache`` or
standard input), exit code 0 or 1, no plugin with a ``newslint_run_finished``
hook (its side effects would not happen again), no input changed while it ran,
and a cache folder this module can find from the command line alone.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, TextIO

if TYPE_CHECKING:
    from ._cache import ResultCache
    from ._run import Session

#: Flags whose runs are never recorded or replayed (they write files, read stdin, or print timings).
UNREPLAYABLE = ("--fix", "--diff", "--output-file", "--verbose", "--no-cache", "-h", "--help", "--version")
#: Environment variables that change what a run prints.
ENVIRONMENT = ("NO_COLOR", "FORCE_COLOR", "CI", "TERM")
#: A run whose process opened more paths than this, or printed more than MAX_OUTPUT characters, is not recorded.
MAX_PATHS = 100_000
MAX_OUTPUT = 16 * 1024 * 1024
#: A run that read a path modified less than this long before it started is not recorded.
RACY_NS = 2_000_000_000
#: Records kept per cache folder (the oldest go first).
MAX_RECORDS = 16
_RECORD_VERSION = 1


# -- what identifies a command ---------------------------------------------------------------

def _option_value(argv: list[str], flag: str) -> Optional[str]:
    for i, arg in enumerate(argv):
        if arg == flag and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(flag + "="):
            return arg[len(flag) + 1:]
    return None


def cache_dir_for(argv: list[str], cwd: Path) -> Optional[Path]:
    """The cache folder of a command, from its arguments alone; None when it cannot be replayed.

    Without ``--cache-dir`` this is ``.newslint_cache`` beside the configuration
    file (or in ``cwd``); a configuration that sets ``cache-dir`` itself makes the
    recorded run's folder differ from this answer, and such runs are not recorded.
    """
    if any(arg in UNREPLAYABLE or arg.startswith("--output-file=") for arg in argv) or "-" in argv:
        return None
    if argv and argv[0] not in ("check",) and not argv[0].startswith("-") and not os.path.exists(argv[0]):
        return None  # another command (rule, plugins, index ...), or a typo
    given = _option_value(argv, "--cache-dir")
    if given is not None:
        return cwd / given
    config = _option_value(argv, "--config")
    if config is not None:
        return (cwd / config).parent / ".newslint_cache"
    if "--isolated" in argv:
        return cwd / ".newslint_cache"
    from ._config import find_config_file
    from ._errors import UsageError

    try:
        found = find_config_file(cwd)
    except UsageError:
        return None
    return (found.parent if found else cwd) / ".newslint_cache"


def _stream_is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def command_key(argv: list[str], cwd: Path, stdout: Any, stderr: Any) -> str:
    """A hash of everything about the command itself that can change its output."""
    from . import __version__

    identity = [_RECORD_VERSION, __version__, sys.executable, sys.version, sys.path, str(cwd), argv,
                {name: os.environ.get(name) for name in ENVIRONMENT}, _stream_is_tty(stdout),
                _stream_is_tty(stderr)]
    return hashlib.sha256(json.dumps(identity).encode("utf-8")).hexdigest()


def _records(cache_dir: Path) -> Path:
    return cache_dir / "runs"


class Command:
    """A command line as the replay cache knows it, worked out once per process: the
    cache folder found from the arguments alone (None: never replayed) and its key."""

    def __init__(self, argv: list[str], stdout: Any, stderr: Any) -> None:
        self.argv = argv
        self.cwd = Path.cwd()
        found = cache_dir_for(argv, self.cwd)
        self.cache_dir: Optional[Path] = found.resolve() if found is not None else None
        self.key = command_key(argv, self.cwd, stdout, stderr) if found is not None else ""


# -- stamps ------------------------------------------------------------------------------------

def stamp(path: str) -> Optional[tuple[int, int, int]]:
    """(size, modification time in ns, inode) of a path, or None when it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


# -- replaying -----------------------------------------------------------------------------------

def replay(command: Command, stdout: TextIO) -> Optional[int]:
    """Print the stored output of this command and return its exit code, if nothing it read has changed."""
    if command.cache_dir is None:
        return None
    try:
        path = _records(command.cache_dir) / command.key
        try:
            with open(path, "rb") as stream:
                record = pickle.load(stream)
        except FileNotFoundError:
            return None
        if record.get("version") != _RECORD_VERSION:
            return None
        for dep, expected in record["deps"]:
            if stamp(dep) != expected:
                return None
        stdout.write(record["stdout"])
        stdout.flush()
        return int(record["code"])
    except Exception:  # a damaged record only costs a normal run
        return None


# -- recording ------------------------------------------------------------------------------------

class _Tee(io.TextIOBase):
    """Passes writes through to ``stream`` and keeps a copy (until it grows past MAX_OUTPUT)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.parts: Optional[list[str]] = []
        self.size = 0

    def write(self, text: str) -> int:
        if self.parts is not None:
            self.size += len(text)
            if self.size > MAX_OUTPUT:
                self.parts = None
            else:
                self.parts.append(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return _stream_is_tty(self.stream)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")

    def fileno(self) -> int:
        return self.stream.fileno()


class Recorder:
    """What one run depends on, gathered while it goes on; stored when the run can be replayed."""

    def __init__(self, command: Optional[Command], stdout: TextIO) -> None:
        #: None for in-process runs (tests, the API): their reads still key the results cache.
        self.command = command if command is not None and command.cache_dir is not None else None
        self.started_ns = time.time_ns()
        self.tee = _Tee(stdout) if self.command is not None else None
        #: Where the run writes its report: through the tee when it may be recorded.
        self.stdout: TextIO = self.tee if self.tee is not None else stdout
        self.opened: set[str] = set()
        self.listed: set[str] = set()
        self.overflow = False
        #: Set by the check command when the run may be recorded.
        self.run: Optional[dict[str, Any]] = None

    def audit(self, event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int) or path is None:
                return
            if mode is not None:
                if any(c in mode for c in "wax+"):
                    return
            elif flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                return
            self._add(self.opened, path)
        elif event in ("os.scandir", "os.listdir"):
            self._add(self.listed, args[0] if args and args[0] is not None else ".")

    def _add(self, paths: set[str], path: Any) -> None:
        if len(paths) >= MAX_PATHS:
            self.overflow = True
            return
        try:
            paths.add(os.path.abspath(os.fsdecode(path)))
        except (TypeError, ValueError):
            pass

    def note_run(self, session: "Session", files: list[str], cache: Optional["ResultCache"]) -> None:
        """Called by a check run: its inputs, and whether it may be replayed at all."""
        config = session.config
        plugins = session.plugins
        if (self.command is None or cache is None or config.get("fix") or config.get("diff")
                or config.get("output-file") or config.get("verbose") or "-" in files or plugins.errors
                or plugins.pm.hook.newslint_run_finished.get_hookimpls()):
            return
        self.run = {"cache_dir": cache.directory.resolve(), "files": list(files), "code": cache.code_files}

    def store(self, code: int) -> None:
        """Write the record, when this run can be replayed exactly."""
        run, command, tee = self.run, self.command, self.tee
        if command is None or tee is None or run is None or self.overflow or code not in (0, 1):
            return
        cache_dir = run["cache_dir"]
        if tee.parts is None or command.cache_dir != cache_dir:
            return  # too much output, or a cache folder the arguments alone do not name
        skip = (str(cache_dir) + os.sep, "/proc/", "/dev/", "/sys/")
        read = self.opened | self.listed
        # Inputs, plugin code and git's ignore state count when missing too (a file may appear).
        paths = {os.path.abspath(p) for p in run["files"]} | set(run["code"])
        paths |= _context_paths(self.listed | {str(command.cwd)})
        paths |= {os.path.abspath(p) for p in sys.path if p and os.path.isdir(p)}
        deps = []
        for path in sorted(paths | read):
            if path.startswith(skip) or path == str(cache_dir) or "__pycache__" in path:
                continue  # bytecode follows its source, which is stamped
            current = stamp(path)
            if current is None and path in read and path not in paths:
                continue  # a temporary file of this run, gone again
            if current is not None and current[1] >= self.started_ns - RACY_NS:
                # Changed while the run went on, or just before it: a later change within the
                # file system's timestamp granularity could keep the same stamp (racy git).
                return
            deps.append((path, current))
        record = {"version": _RECORD_VERSION, "deps": deps, "stdout": "".join(tee.parts), "code": code}
        folder = _records(cache_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False, prefix=".tmp-") as out:
                pickle.dump(record, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(out.name, folder / command.key)
            _prune(folder)
        except OSError:
            pass  # the cache only ever saves time


def _context_paths(folders: Iterable[str]) -> set[str]:
    """Files outside a run's own reads that decide what it reads, existing or not.

    In every folder from those the run listed (and the working folder) up to the
    root: the configuration files newslint looks for, and git's ignore state
    (``.gitignore``, the repository's index and exclude file); and the user's git
    configuration. (Not the parent folders themselves: home folders change all
    the time, and only these names in them matter.)
    """
    out: set[str] = set()
    seen: set[Path] = set()
    for folder in folders:
        for parent in (Path(folder), *Path(folder).parents):
            if parent in seen:
                break
            seen.add(parent)
            for name in ("newslint.toml", "pyproject.toml", ".gitignore", ".git/index", ".git/info/exclude"):
                out.add(str(parent / name))
    home = Path.home()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    out.update(str(p) for p in (home / ".gitconfig", xdg / "git" / "ignore", xdg / "git" / "config",
                                Path("/etc/gitconfig")))
    return out


def _prune(folder: Path) -> None:
    records = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in records[MAX_RECORDS:]:
        try:
            old.unlink()
        except OSError:
            pass


# -- the process-wide hook ---------------------------------------------------------------------------

_CURRENT: Optional[Recorder] = None
_HOOKED = False


def _audit(event: str, args: tuple) -> None:
    recorder = _CURRENT
    if recorder is not None and (event == "open" or event == "os.scandir" or event == "os.listdir"):
        recorder.audit(event, args)


def _forget_in_child() -> None:
    global _CURRENT
    _CURRENT = None  # a forked worker's reads are its own; the parent records the inputs


def start(command: Optional[Command], stdout: TextIO) -> Recorder:
    """Begin recording this process's reads (an audit hook cannot be removed: one serves every run).

    ``command``: the command line to record the run under; None records reads only."""
    global _CURRENT, _HOOKED
    recorder = Recorder(command, stdout)
    if not _HOOKED:
        sys.addaudithook(_audit)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_forget_in_child)
        _HOOKED = True
    _CURRENT = recorder
    return recorder


def stop() -> None:
    global _CURRENT
    _CURRENT = None


def read_so_far() -> list[str]:
    """The files this process has opened for reading since the run began (configuration,
    rule packs, word lists...): their stamps are part of the results cache's key."""
    recorder = _CURRENT
    return sorted(recorder.opened) if recorder is not None else []


def current() -> Optional[Recorder]:
    """The recorder of the run in progress, if its command is being recorded."""
    return _CURRENT
