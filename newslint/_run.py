"""One ``newslint check`` run: articles in, findings streamed to a reporter, an exit code out."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, TextIO, Union

from . import _replay, _suppress
from ._cache import ResultCache, code_stamps, settings_fingerprint
from ._collected import make_store
from ._config import Config
from ._corerules import PLUGIN_ERROR
from ._discover import Discovery
from ._engine import Checker, FileFilter, RuleSet, finalize, now, read_articles, read_error_finding
from ._errors import ExitCode
from ._errors import UsageError
from ._executor import Executor, ProcessExecutor, default_jobs, in_order
from ._fix import write_fixed
from ._progress import Progress
from ._work import ArticleResult, Worker
from ._model import Article, ArticleRef, Finding, ReadError, RunSummary
from ._pluginmanager import PluginSet
from ._reporting import Reporter
from ._rules import Rule, RuleRegistry


@dataclass
class Session:
    """What a command needs: the plugins, the settled configuration, the rules, the streams."""

    plugins: PluginSet
    config: Config
    registry: RuleRegistry
    stdout: TextIO
    stderr: TextIO
    stdin: Optional[TextIO] = None
    formats: dict[str, Any] = field(default_factory=dict)
    executors: dict[str, Any] = field(default_factory=dict)

    def discovery(self) -> Discovery:
        config = self.config
        return Discovery(config.get("include") + config.get("extend-include"),
                         config.get("exclude") + config.get("extend-exclude"), config.root,
                         bool(config.get("force-exclude")))

    def iter_files(self, paths: Iterable[str]) -> Iterator[str]:
        return self.discovery().files(paths)

    def read(self, path: str) -> Iterator[Union[Article, ReadError]]:
        """The articles at one path (``-`` is standard input), read errors included."""
        if path == "-":
            stream = self.stdin if self.stdin is not None else sys.stdin
            name = self.config.get("stdin-filename") or "-"
            text = stream.read()
            yield Article(name, text) if text.strip() else ReadError(name, "standard input is empty")
            return
        if not Path(path).exists():
            yield ReadError(path, "no such file or directory")
            return
        hook = self.plugins.hook.newslint_read_path
        yield from read_articles(path, lambda p: hook(path=p, config=self.config))

    def iter_articles(self, paths: Iterable[str]) -> Iterator[Union[Article, ReadError]]:
        """Every article below ``paths``, in report order."""
        for path in self.iter_files(paths):
            yield from self.read(path)


class FixState:
    """The fixed articles of the file being read, written back when the next file starts."""

    def __init__(self, session: Session, diff_only: bool) -> None:
        self.session = session
        self.diff_only = diff_only
        self.path: Optional[str] = None
        self.fixed: dict[Optional[int], Article] = {}
        self.originals: dict[Optional[int], str] = {}
        self.unwritable = False

    def add(self, original: Article, fixed: Article) -> None:
        if original.writer is None:
            self.unwritable = True
            return
        self.fixed[original.record] = fixed
        self.originals[original.record] = original.text

    def flush(self) -> Optional[str]:
        """Write (or diff) the current file; returns a message when that failed."""
        path, fixed, originals = self.path, self.fixed, self.originals
        self.fixed, self.originals = {}, {}
        if self.unwritable:
            self.unwritable = False
            return f"{path}: fixes not written: its reader cannot write this format back"
        if not fixed or path is None or path == "-" or (fixed.keys() == {None} and fixed[None].text == originals[None]):
            return None
        text_field = self.session.config.table("jsonl").get("text-field", "text")
        try:
            diff = write_fixed(Path(path), fixed, originals, text_field, self.diff_only)
        except (OSError, ValueError) as error:
            return f"{path}: fixes not written: {error}"
        if diff:
            self.session.stdout.write(diff)
        return None


#: A batch sent to a worker holds about this many characters of text (or 64 articles).
BATCH_CHARS = 256 * 1024
BATCH_ARTICLES = 64
#: Below this much input a process pool costs more to start than it saves.
PARALLEL_MIN_BYTES = 1024 * 1024


def make_executor(session: Session, worker: Worker, files: list[str]) -> tuple[Executor, int]:
    """The executor for this run and the total input size."""
    total = 0
    for path in files:
        try:
            total += os.stat(path).st_size if path != "-" else 0
        except OSError:
            pass
    config = session.config
    name = config.get("executor")
    if name != "local":
        factory = session.executors.get(name)
        if factory is None:
            known = ", ".join(sorted(["local", *session.executors]))
            raise UsageError(f"unknown executor {name!r}; choose from {known} (pip install newslint[dask] adds dask)")
        return factory(worker, config), total
    jobs = config.get("jobs") or default_jobs()
    if jobs > 1 and total >= PARALLEL_MIN_BYTES and "-" not in files:
        return ProcessExecutor(worker, config), total
    return Executor(worker, config), total


def make_cache(session: Session, rules: list[Rule]) -> Optional[ResultCache]:
    config = session.config
    if config.get("no-cache") or config.get("fix") or config.get("diff"):
        return None
    from . import __version__

    modules = [session.plugins.pm.get_plugin(name) for name in session.plugins.info]
    code = list(code_stamps(modules))
    fingerprint = settings_fingerprint(config.values, config.tables, [r.code for r in rules], code, __version__,
                                       _replay.read_so_far())
    directory = Path(config.get("cache-dir") or config.root / ".newslint_cache")
    return ResultCache(directory, fingerprint, [path for path, _, _ in code])


def jobs_of(session: Session, files: list[str], cache: Optional[ResultCache],
            keys: dict[str, str]) -> Iterator[tuple[str, Any]]:
    """The run's work in report order: ("articles", [...]), ("error", ReadError), ("cached", (path, results))."""
    batch: list[Article] = []
    size = 0
    hits: dict[str, list] = {}
    for index, path in enumerate(files):
        if cache is not None and index % 500 == 0:
            # Look up the next 500 files at once: a warm run over a folder is mostly lookups.
            upcoming = {p: cache.key(p) for p in files[index:index + 500]}
            hits = cache.get_many([k for k in upcoming.values() if k is not None])
        key = upcoming.get(path) if cache is not None else None
        if key is not None:
            results = hits.pop(key, None)
            if results is not None:
                if batch:
                    yield "articles", batch
                    batch, size = [], 0
                yield "cached", (path, results)
                continue
            keys[path] = key
        for item in session.read(path):
            if isinstance(item, ReadError):
                if batch:
                    yield "articles", batch
                    batch, size = [], 0
                yield "error", item
                continue
            batch.append(item)
            size += len(item.text)
            if size >= BATCH_CHARS or len(batch) >= BATCH_ARTICLES:
                yield "articles", batch
                batch, size = [], 0
    if batch:
        yield "articles", batch


def finalize_on(executor: Executor, ruleset: RuleSet, collected: dict, checker: Checker) -> list[Finding]:
    """Corpus ``finalize`` with :func:`newslint.corpus_map` bound to this run's executor."""
    from . import _executor

    _executor._CURRENT = executor
    try:
        return finalize(ruleset, collected, checker)
    finally:
        _executor._CURRENT = None


def run_check(session: Session, rules: list[Rule], reporter: Reporter) -> ExitCode:
    """Check every path of the run; findings stream to ``reporter``."""
    config = session.config
    started = now()
    summary = RunSummary()
    ruleset = RuleSet(rules)
    checker = Checker(ruleset, FileFilter(config.get("per-file-ignores") or {}, config.root))
    fixing = bool(config.get("fix") or config.get("diff"))
    worker = Worker(checker, fixing, bool(config.get("unsafe-fixes")))
    fixes = FixState(session, bool(config.get("diff")))
    want_metrics = bool(config.get("metrics") or config.get("statistics"))
    corpus_suppressions: dict[tuple[str, Optional[int]], _suppress.Suppressions] = {}
    files = list(session.iter_files(config.paths or ["."]))
    executor, total_bytes = make_executor(session, worker, files)
    store = make_store(total_bytes)
    cache = make_cache(session, rules)
    recorder = _replay.current()
    if recorder is not None:
        recorder.note_run(session, files, cache)
    progress = Progress(session.stderr, total_bytes, not config.get("no-progress"))
    if config.get("verbose"):
        workers = executor.workers
        session.stderr.write(f"newslint: {len(files)} files, {total_bytes / 1e6:.1f} MB, {len(rules)} rules, "
                             f"executor {executor.name} ({workers} worker{'s' if workers != 1 else ''}), "
                             f"cache {'on' if cache and cache.db else 'off'}\n")
    keys: dict[str, str] = {}
    file_results: list = []  # the current file's results, for the cache
    current: Optional[str] = None

    def report(finding: Finding) -> None:
        summary.findings += 1
        summary.by_code[finding.code] = summary.by_code.get(finding.code, 0) + 1
        if finding.code == PLUGIN_ERROR.code:
            summary.errors += 1
        if finding.fix is not None:
            summary.fixable += 1
        reporter.add(finding)

    def start_file(path: str) -> None:
        nonlocal current, file_results
        if path == current:
            return
        if current is not None:
            end_file(current)
        current = fixes.path = path
        file_results = []
        summary.files += 1

    def end_file(path: str) -> None:
        if fixing:
            problem = fixes.flush()
            if problem:
                session.stderr.write(f"newslint: {problem}\n")
        key = keys.pop(path, None)
        if cache is not None and key is not None:
            cache.put(key, file_results)

    def take(ref: ArticleRef, result: ArticleResult, size: int) -> None:
        summary.articles += 1
        summary.bytes += size
        summary.fixed += result.fixed
        store.add(ref, result.collected)
        if result.suppressions is not None:
            corpus_suppressions[(ref.path, ref.record)] = result.suppressions
        for finding in result.findings:
            report(finding)
        if want_metrics and result.metrics:
            reporter.add_article(ref, result.metrics)
        progress.update(summary.articles, summary.bytes, summary.findings)

    reporter.start(rules)
    for error in session.plugins.errors:
        report(Finding(error.plugin, 1, 1, 1, 1, PLUGIN_ERROR.code, PLUGIN_ERROR.name,
                       f"plugin {error.plugin}: {error.message}", "error"))
    try:
        for (kind, payload), output in in_order(executor, jobs_of(session, files, cache, keys)):
            if kind == "error":
                start_file(payload.path)
                if payload.path in keys:
                    file_results.append(("error", payload))
                report(read_error_finding(payload))
            elif kind == "cached":
                path, results = payload
                start_file(path)
                for entry in results:
                    if entry[0] == "error":
                        report(read_error_finding(entry[1]))
                    else:
                        take(*entry[1:])
            else:
                for article, result in zip(payload, output):
                    start_file(article.path)
                    ref = article.ref
                    if result.fixed_text is not None:
                        fixes.add(article, article.with_text(result.fixed_text))
                    if result.fixed and article.writer is None:
                        result.fixed = 0  # nothing will be written, so nothing was fixed
                    if article.path in keys:  # kept only for a file the cache will store
                        file_results.append(("article", ref, result, len(article.text)))
                    take(ref, result, len(article.text))
        if current is not None:
            end_file(current)
        if cache is not None:
            cache.close()
        progress.close()
        if ruleset.corpus_rules:
            collected = {rule.code: store.values_of(rule.code) for rule in ruleset.corpus_rules}
            corpus = finalize_on(executor, ruleset, collected, checker)
            corpus.sort(key=lambda f: (f.path, f.sort_key))
            for finding in corpus:
                suppressions = corpus_suppressions.get((finding.path, finding.record))
                if suppressions is None or not suppressions.suppresses(finding):
                    report(finding)
    finally:
        executor.close()
        store.close()
    summary.seconds = now() - started
    reporter.finish(summary)
    list(session.plugins.call_each("newslint_run_finished", summary=summary, config=config))
    if summary.errors:
        return ExitCode.ERROR
    if config.get("exit-zero"):
        return ExitCode.OK
    if summary.findings or (config.get("diff") and summary.fixed):
        return ExitCode.FINDINGS
    return ExitCode.OK
