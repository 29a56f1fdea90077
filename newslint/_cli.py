"""``newslint``: command line -> plugins, configuration and rules -> a command -> an exit code."""

from __future__ import annotations

import argparse
import difflib
import inspect
import sys
from pathlib import Path
from typing import Iterable, Optional, Sequence, TextIO

from . import _replay
from ._config import OptionParser, add_cli_arguments, build_config
from ._corerules import CORE_RULES
from ._discover import DEFAULT_EXCLUDE, DEFAULT_INCLUDE
from ._errors import ExitCode, UsageError
from ._pluginmanager import PluginError, make_plugin_set
from ._reporting import Command
from ._rules import Rule, RuleRegistry
from ._run import Session, run_check

BUILTIN_COMMANDS = ("check", "rule", "plugins")


def core_addoption(parser: OptionParser) -> None:
    """The core's own options; plugins add theirs through ``newslint_addoption``."""
    add = parser.addoption
    add("select", type="list", help="rules to check: codes, prefixes, names or ALL (replaces the default set)")
    add("extend-select", type="list", default=[], help="rules to check in addition to the selected ones")
    add("ignore", type="list", default=[], help="rules not to check")
    add("per-file-ignores", type="table", default={}, help="glob pattern -> rules ignored in matching files")
    add("include", type="list", default=list(DEFAULT_INCLUDE), help="file name patterns read when walking folders")
    add("extend-include", type="list", default=[], help="more file name patterns to read")
    add("exclude", type="list", default=list(DEFAULT_EXCLUDE), help="path patterns skipped when walking folders")
    add("extend-exclude", type="list", default=[], help="more path patterns to skip")
    add("force-exclude", type="bool", default=False, help="apply exclude to files named on the command line too")
    add("format", default="text", help="output format (see `newslint check --help`)")
    add("output-file", help="write the report to this file instead of standard output", in_file=False)
    add("exit-zero", type="bool", default=False, help="exit 0 even when there are findings")
    add("quiet", type="bool", default=False, help="print findings only, no summary")
    add("verbose", type="bool", default=False, help="print what is being read and timings")
    add("fix", type="bool", default=False, help="apply safe fixes")
    add("unsafe-fixes", type="bool", default=False, help="also apply unsafe fixes (with --fix or --diff)")
    add("diff", type="bool", default=False, help="print the fixes as a unified diff; write nothing")
    add("statistics", type="bool", default=False, help="print counts per rule and metric summaries instead of findings")
    add("metrics", type="bool", default=False, help="include per-article metrics in json/jsonl output")
    add("executor", default="local", help="where checking runs: local (processes on this machine) or a plugin's, e.g. dask")
    add("jobs", type="int", default=0, help="worker processes (default: all cores; small runs use one)", in_file=False)
    add("no-cache", type="bool", default=False, help="do not read or write the results cache")
    add("cache-dir", help="where the results cache lives (default: .newslint_cache next to the config)")
    add("no-progress", type="bool", default=False, help="never show the progress line")
    add("stdin-filename", help="the name to report for text read from `-`", in_file=False)


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so in-process runs keep control."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="PATH", help="use this newslint.toml or pyproject.toml")
    parser.add_argument("--isolated", action="store_true", help="ignore every configuration file")


def build_argparser(options: OptionParser, commands: dict[str, Command], formats: Iterable[str]) -> argparse.ArgumentParser:
    from . import __version__

    top = _ArgumentParser(prog="newslint", description="A data-quality linter for news text.")
    top.add_argument("--version", action="version", version=f"newslint {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="check articles (the default command)",
                           description=f"Check articles. Formats: {', '.join(sorted(formats))}.")
    check.add_argument("paths", nargs="*", help="files, folders or - for standard input (default: .)")
    _common(check)
    add_cli_arguments(check, options)
    rule = sub.add_parser("rule", help="explain a rule")
    rule.add_argument("code", nargs="?", help="a rule code or name")
    rule.add_argument("--all", action="store_true", help="explain every rule")
    _common(rule)
    plugins = sub.add_parser("plugins", help="list the installed plugins and their rules")
    _common(plugins)
    for command in commands.values():
        parser = sub.add_parser(command.name, help=command.help, description=command.help)
        _common(parser)
        command.add_arguments(parser)
    for parser in sub.choices.values():
        parser.__class__ = _ArgumentParser
    return top


def main(argv: Optional[Sequence[str]] = None, plugins: Iterable[object] = (),
         stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None,
         stdin: Optional[TextIO] = None) -> int:
    """Run newslint; returns the exit code (see :class:`ExitCode`)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = list(sys.argv[1:] if argv is None else argv)
    # What the run reads keys the results cache; the ``newslint`` script has started recording already.
    own_recorder = _replay.current() is None
    if own_recorder:
        _replay.start(None, stdout)
    try:
        return int(_main(args, plugins, stdout, stderr, stdin))
    except UsageError as error:
        stderr.write(f"newslint: error: {error}\n")
        return int(ExitCode.ERROR)
    except KeyboardInterrupt:
        stderr.write("newslint: interrupted\n")
        return 130
    except BrokenPipeError:
        return int(ExitCode.OK)
    finally:
        if own_recorder:
            _replay.stop()


def _main(argv: list[str], extra_plugins: Iterable[object], stdout: TextIO, stderr: TextIO,
          stdin: Optional[TextIO]) -> ExitCode:
    plugins = make_plugin_set(extra_plugins)
    options = OptionParser()
    core_addoption(options)
    list(plugins.call_each("newslint_addoption", parser=options))
    commands: dict[str, Command] = {}
    formats: dict[str, object] = {}
    executors: dict[str, object] = {}
    for hook, kind, table in (("newslint_register_commands", "command", commands),
                              ("newslint_register_formats", "format", formats),
                              ("newslint_register_executors", "executor", executors)):
        for impl in getattr(plugins.pm.hook, hook).get_hookimpls():  # registration order: first wins
            register = _registrar(plugins, impl.plugin_name, kind, table, reserved=BUILTIN_COMMANDS if kind == "command" else ())
            list(plugins.call_impl(impl, hook, register=register))

    known = set(BUILTIN_COMMANDS) | set(commands)
    if not argv or (argv[0] not in known and argv[0] not in ("-h", "--help", "--version")):
        argv = ["check", *argv]
    try:
        args = build_argparser(options, commands, formats).parse_args(argv)
    except SystemExit as exit_:  # --help and --version print and exit 0
        return ExitCode(exit_.code or 0)
    config = build_config(options, args, Path.cwd())
    config.command = args.command
    _check_config(config)
    list(plugins.call_each("newslint_configure", config=config))

    registry = RuleRegistry()
    for rule in CORE_RULES:
        registry.add(rule, "newslint")
    for impl in plugins.pm.hook.newslint_register_rules.get_hookimpls():
        label = plugins.label(impl.plugin_name)

        def register(rule: Rule, label: str = label) -> None:
            problem = registry.add(rule, label)
            if problem:
                plugins.errors.append(PluginError(label, f"cannot register a rule: {problem}"))

        list(plugins.call_impl(impl, "newslint_register_rules", register=register, config=config))

    session = Session(plugins, config, registry, stdout, stderr, stdin, formats, executors)
    if args.command == "rule":
        return explain_rules(session, args)
    if args.command == "plugins":
        return list_plugins(session)
    if args.command in commands:
        return ExitCode(commands[args.command].run(args, session))

    for key in ("select", "extend-select", "ignore"):
        registry.check_selectors(config.get(key) or [], f"--{key}/{key}")
    for pattern, selectors in (config.get("per-file-ignores") or {}).items():
        registry.check_selectors(selectors, f"per-file-ignores[{pattern!r}]")
    rules = registry.select(config.get("select"), config.get("extend-select"), config.get("ignore"))
    return check(session, rules)


def _registrar(plugins, plugin_name: str, kind: str, table: dict, reserved: Iterable[str] = ()):
    """A ``register`` callback that refuses a name already taken (an NL002 naming the plugin)."""
    label = plugins.label(plugin_name)

    def register(name_or_command, factory=None) -> None:
        name = name_or_command.name if kind == "command" else name_or_command
        value = name_or_command if kind == "command" else factory
        if name in table or name in reserved:
            plugins.errors.append(PluginError(label, f"cannot register {kind} {name!r}: the name is taken"))
            return
        table[name] = value
    return register


def _check_config(config) -> None:
    pfi = config.get("per-file-ignores") or {}
    for pattern, selectors in pfi.items():
        if not isinstance(selectors, list) or not all(isinstance(s, str) for s in selectors):
            raise UsageError(f"per-file-ignores[{pattern!r}] must be a list of rule selectors")


def check(session: Session, rules: list[Rule]) -> ExitCode:
    config = session.config
    name = "statistics" if config.get("statistics") else config.get("format")
    factory = session.formats.get(name)
    if factory is None:
        close = difflib.get_close_matches(name, list(session.formats), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; choose from {', '.join(sorted(session.formats))}"
        raise UsageError(f"unknown output format {name!r}{hint}")
    output = config.get("output-file")
    if output:
        try:
            stream = open(output, "w", encoding="utf-8", newline="")
        except OSError as error:
            raise UsageError(f"{output}: cannot write the report: {error.strerror}") from None
    else:
        stream = session.stdout
    try:
        return run_check(session, rules, factory(stream, config))
    finally:
        if output:
            stream.close()


def rule_text(rule: Rule, owner: str) -> str:
    doc = inspect.cleandoc(type(rule).__doc__ or "")
    fix = {"always": "Fix is always available.", "sometimes": "Fix is sometimes available.",
           "none": "No fix."}[rule.fix_availability]
    default = "on by default" if rule.default_enabled else "off by default (select it to use it)"
    return (f"# {rule.name} ({rule.code})\n\nFrom the {owner} plugin; {rule.severity}, {default}. {fix}\n\n"
            f"{rule.summary}.\n\n{doc}\n")


def explain_rules(session: Session, args: argparse.Namespace) -> ExitCode:
    registry = session.registry
    if args.all:
        session.stdout.write("\n".join(rule_text(r, registry.owner[r.code]) for r in registry))
        return ExitCode.OK
    if not args.code:
        raise UsageError("rule: give a rule code or name, or --all")
    rule = registry.get(args.code)
    if rule is None:
        close = difflib.get_close_matches(args.code, list(registry.rules) + list(registry.by_name), n=3)
        raise UsageError(f"unknown rule {args.code!r}" + (f"; did you mean {', '.join(close)}?" if close else ""))
    session.stdout.write(rule_text(rule, registry.owner[rule.code]))
    return ExitCode.OK


def list_plugins(session: Session) -> ExitCode:
    registry = session.registry
    out = session.stdout
    for name, info in sorted(session.plugins.info.items()):
        label = session.plugins.label(name)
        codes = [r.code for r in registry if registry.owner[r.code] == label]
        out.write(f"{name:<14} {info.distribution} {info.version}  {info.module}\n")
        out.write(f"{'':<14} rules: {', '.join(codes) if codes else '(none)'}\n")
    for error in session.plugins.errors:
        out.write(f"{error.plugin}: NL002 {error.message}\n")
    return ExitCode.ERROR if session.plugins.errors else ExitCode.OK
