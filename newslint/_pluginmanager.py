"""A fresh pluggy manager per run, loading entry points one at a time.

A plugin that fails to import, implements a hook that does not exist, or
raises in a wiring hook is dropped and remembered as a :class:`PluginError`;
the engine reports each as an NL002 finding and the run goes on.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Iterable, Iterator, Optional

import pluggy

from . import hookspecs
from ._errors import UsageError

GROUP = "newslint"


@dataclass(frozen=True)
class PluginError:
    """A plugin that could not take part in the run, and why."""

    plugin: str
    message: str


@dataclass(frozen=True)
class PluginInfo:
    """What ``newslint plugins`` shows for one loaded plugin."""

    name: str
    distribution: str
    version: str
    module: str


def describe_exception(error: BaseException) -> str:
    """The exception and the innermost frame it came from, on one line."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" ({frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


class PluginSet:
    """The plugin manager of one run, with what went wrong while loading."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(GROUP)
        self.pm.add_hookspecs(hookspecs)
        self.errors: list[PluginError] = []
        self.info: dict[str, PluginInfo] = {}

    @property
    def hook(self) -> Any:
        return self.pm.hook

    def load_entry_points(self, blocked: Iterable[str] = ()) -> None:
        blocked = set(blocked)
        for ep in sorted(entry_points(group=GROUP), key=lambda e: (e.dist.name if e.dist else "", e.name)):
            dist = ep.dist.name if ep.dist else "?"
            label = f"{dist}[{ep.name}]"
            if ep.name in blocked or label in blocked:
                continue
            if self.pm.has_plugin(ep.name):
                self.errors.append(PluginError(label, f"plugin name {ep.name!r} is already taken"))
                continue
            try:
                plugin = ep.load()
                self.pm.register(plugin, name=ep.name)
            except Exception as error:  # an import error or a hookimpl with a bad signature
                self.errors.append(PluginError(label, describe_exception(error)))
                continue
            self.info[ep.name] = PluginInfo(ep.name, dist, ep.dist.version if ep.dist else "?", ep.value)

    def register(self, plugin: object, name: Optional[str] = None) -> None:
        """Register an in-process plugin (tests, ``newslint.testing``)."""
        name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        try:
            self.pm.register(plugin, name=name)
        except Exception as error:
            self.errors.append(PluginError(name, describe_exception(error)))
            return
        self.info[name] = PluginInfo(name, "(in-process)", "", getattr(plugin, "__name__", repr(plugin)))

    def drop_unknown_hooks(self) -> None:
        """tox's loop: unregister each plugin that implements a hook no spec declares (a misspelling)."""
        while True:
            try:
                self.pm.check_pending()
                return
            except pluggy.PluginValidationError as error:
                name = self.pm.get_name(error.plugin) or repr(error.plugin)
                self.errors.append(PluginError(self.label(name), str(error)))
                self.pm.unregister(error.plugin)
                self.info.pop(name, None)

    def label(self, name: str) -> str:
        info = self.info.get(name)
        return f"{info.distribution}[{name}]" if info else name

    def call_each(self, hook_name: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Call each implementation on its own, so one that raises is dropped and the rest still run.

        pluggy stops a hook call at the first implementation that raises;
        wiring hooks are called this way instead.
        """
        for impl in reversed(getattr(self.pm.hook, hook_name).get_hookimpls()):
            yield from self.call_impl(impl, hook_name, **kwargs)

    def call_impl(self, impl: Any, hook_name: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Call one implementation, turning an exception into a :class:`PluginError` (UsageError passes)."""
        try:
            result = impl.function(*(kwargs[arg] for arg in impl.argnames))
        except UsageError:
            raise
        except Exception as error:
            self.errors.append(PluginError(self.label(impl.plugin_name),
                                           f"{hook_name} raised {describe_exception(error)}"))
            return
        yield impl.plugin_name, result


def make_plugin_set(extra_plugins: Iterable[object] = (), load_entry_points: bool = True,
                    blocked: Iterable[str] = ()) -> PluginSet:
    """Build the plugin manager of one run: entry points, then in-process extras."""
    plugins = PluginSet()
    if load_entry_points:
        plugins.load_entry_points(blocked)
    for plugin in extra_plugins:
        plugins.register(plugin)
    plugins.drop_unknown_hooks()
    return plugins
