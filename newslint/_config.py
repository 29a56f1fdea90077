"""Options, configuration files and the final :class:`Config` of a run.

One declaration makes both a command-line flag and a configuration key, as
flake8's option manager does: ``parser.addoption("select", type="list")`` gives
``--select NL1,NL2`` and ``select = ["NL1", "NL2"]`` under ``[tool.newslint]``.
Options of a plugin live in their own sub-table (``[tool.newslint.spacing]``).
The command line beats the file, and the file beats the default.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ._errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.9 and 3.10
    import tomli as tomllib

TYPES = ("str", "list", "bool", "int", "float", "table", "tables")


@dataclass(frozen=True)
class Option:
    """One declared option."""

    name: str
    type: str = "str"
    default: Any = None
    help: str = ""
    table: Optional[str] = None
    choices: Optional[tuple[str, ...]] = None
    cli: bool = True  # has a --flag
    in_file: bool = True  # may be set in a configuration file
    metavar: Optional[str] = None

    @property
    def flag(self) -> str:
        return f"--{self.table}-{self.name}" if self.table else f"--{self.name}"

    @property
    def dest(self) -> str:
        return self.flag[2:].replace("-", "_")


class OptionParser:
    """Collects the options that the core and every plugin declare."""

    def __init__(self) -> None:
        self.options: dict[tuple[Optional[str], str], Option] = {}

    def addoption(self, name: str, *, type: str = "str", default: Any = None, help: str = "",
                  table: Optional[str] = None, choices: Optional[list[str]] = None,
                  cli: Optional[bool] = None, in_file: bool = True,
                  metavar: Optional[str] = None) -> None:
        """Declare an option ``name`` (kebab-case), optionally in a plugin's sub-table.

        ``type`` is one of str, list (of strings), bool, int, float, table (a
        mapping, file only) or tables (an array of tables, ``[[...]]``, file
        only). Sub-table options have no flag unless ``cli=True``.
        """
        if type not in TYPES:
            raise ValueError(f"option {name!r}: type must be one of {', '.join(TYPES)}")
        if (table, name) in self.options:
            raise ValueError(f"option {name!r} is declared twice")
        if cli is None:
            cli = table is None and type not in ("table", "tables")
        self.options[(table, name)] = Option(name, type, default, help, table,
                                             tuple(choices) if choices else None, cli, in_file, metavar)

    def tables(self) -> set[str]:
        return {t for t, _ in self.options if t}


@dataclass
class Config:
    """The settled options of one run; plugins read it, never write it."""

    values: dict[str, Any]
    tables: dict[str, dict[str, Any]]
    paths: list[str] = field(default_factory=list)
    config_file: Optional[Path] = None
    root: Path = field(default_factory=Path.cwd)
    #: The subcommand being run: "check", "rule", "plugins", or a plugin's ("index").
    command: str = "check"

    def get(self, name: str, default: Any = None) -> Any:
        """A top-level option's value."""
        return self.values.get(name, default)

    def table(self, name: str) -> dict[str, Any]:
        """All options of a plugin's sub-table, defaults filled in."""
        return self.tables.get(name, {})


def find_config_file(start: Path) -> Optional[Path]:
    """The nearest ``newslint.toml``, or ``pyproject.toml`` with a ``[tool.newslint]`` table, upwards from start."""
    for folder in (start, *start.parents):
        candidate = folder / "newslint.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = load_toml(candidate)
            except UsageError:
                raise
            if "newslint" in data.get("tool", {}):
                return candidate
    return None


def load_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as stream:
            return tomllib.load(stream)
    except OSError as error:
        raise UsageError(f"{path}: cannot read configuration: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: malformed TOML: {error}") from None


def file_settings(path: Path) -> dict[str, Any]:
    """The newslint table of a configuration file."""
    data = load_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("newslint", {})
    if not isinstance(data, dict):
        raise UsageError(f"{path}: [tool.newslint] must be a table")
    return data


def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""


def _coerce(option: Option, value: Any, where: str) -> Any:
    """Check a file value's type, with a message that names the key."""
    expected = {"str": str, "list": list, "bool": bool, "int": int, "float": (int, float), "table": dict,
                "tables": list}[option.type]
    if option.type == "int" and isinstance(value, bool) or not isinstance(value, expected):
        raise UsageError(f"{where}: {option.name} must be a {option.type}, not {type(value).__name__}")
    if option.type == "list" and not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: {option.name} must be a list of strings")
    if option.type == "tables" and not all(isinstance(v, dict) for v in value):
        raise UsageError(f"{where}: {option.name} must be an array of tables ([[...]])")
    if option.choices and value not in option.choices:
        raise UsageError(f"{where}: {option.name} must be one of {', '.join(option.choices)}")
    return float(value) if option.type == "float" else value


def merge_file(parser: OptionParser, settings: dict[str, Any], where: str) -> tuple[dict, dict]:
    """Validate a file's settings against the declarations; unknown keys are usage errors."""
    values: dict[str, Any] = {}
    tables: dict[str, dict[str, Any]] = {}
    top = sorted(n for t, n in parser.options if t is None)
    known_tables = sorted(parser.tables())
    for key, value in settings.items():
        option = parser.options.get((None, key))
        if option is not None and option.in_file:
            values[key] = _coerce(option, value, where)
        elif key in known_tables and isinstance(value, dict):
            table_keys = sorted(n for t, n in parser.options if t == key)
            for sub, subvalue in value.items():
                suboption = parser.options.get((key, sub))
                if suboption is None:
                    raise UsageError(f"{where}: unknown key {key}.{sub}{_suggest(sub, table_keys)}")
                tables.setdefault(key, {})[sub] = _coerce(suboption, subvalue, f"{where} [{key}]")
        else:
            raise UsageError(f"{where}: unknown key {key!r}{_suggest(key, top + known_tables)}")
    return values, tables


def add_cli_arguments(argparser: argparse.ArgumentParser, parser: OptionParser) -> None:
    """Add a flag for every option that has one; their argparse default is None ("not given")."""
    for option in parser.options.values():
        if not option.cli:
            continue
        if option.type == "bool":
            argparser.add_argument(option.flag, dest=option.dest, action="store_const", const=True,
                                   default=None, help=option.help)
            continue
        kwargs: dict[str, Any] = {"dest": option.dest, "default": None, "help": option.help,
                                  "metavar": option.metavar}
        if option.type == "list":
            kwargs["action"] = "append"
        elif option.type in ("int", "float"):
            kwargs["type"] = int if option.type == "int" else float
        if option.choices:
            kwargs["choices"] = option.choices
        argparser.add_argument(option.flag, **kwargs)


def build_config(parser: OptionParser, args: argparse.Namespace, cwd: Path) -> Config:
    """Defaults, then the configuration file, then the command line."""
    config_path: Optional[Path] = getattr(args, "config", None)
    if getattr(args, "isolated", False):
        config_path = None
    elif config_path is None:
        config_path = find_config_file(cwd)
    elif not config_path.is_file():
        raise UsageError(f"{config_path}: configuration file not found")
    settings = file_settings(config_path) if config_path else {}
    file_values, file_tables = merge_file(parser, settings, str(config_path))

    values: dict[str, Any] = {}
    tables: dict[str, dict[str, Any]] = {}
    for (table, name), option in parser.options.items():
        value = file_tables.get(table, {}).get(name, option.default) if table \
            else file_values.get(name, option.default)
        given = getattr(args, option.dest, None) if option.cli else None
        if given is not None:
            if option.type == "list":
                # --select NL1,NL2 and --select NL1 --select NL2 mean the same.
                given = [part.strip() for item in given for part in item.split(",") if part.strip()]
            value = given
        if isinstance(value, (list, dict)):
            value = type(value)(value)
        if table:
            tables.setdefault(table, {})[name] = value
        else:
            values[name] = value
    root = config_path.parent if config_path else cwd
    return Config(values, tables, list(getattr(args, "paths", []) or []), config_path, root)
