"""Where the work runs: in this process, over local worker processes, or on an executor plugin's engine.

An executor maps a task (checking one batch of articles) over batches and gives
the results back in input order, so every executor reports exactly what a
serial run reports. Executors keep a bounded number of batches in flight, so
memory does not grow with the size of the corpus.
"""

from __future__ import annotations

import os
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional

if TYPE_CHECKING:
    from ._config import Config
    from concurrent.futures import Future, ProcessPoolExecutor

    from ._model import Article

#: Checks one batch of articles; picklable, so it can travel to other processes or machines.
Task = Callable[[list["Article"]], list[Any]]


class Executor:
    """Base class of an executor: runs ``task`` over batches, results in input order.

    A plugin provides another engine (Dask, Ray, Spark) by subclassing this and
    registering the class with ``newslint_register_executors``. ``map`` must
    yield exactly one result per batch, in the order the batches came, and
    should not read far ahead of what it has yielded.
    """

    #: The name ``--executor`` selects it by.
    name = "serial"

    def __init__(self, task: Task, config: "Config") -> None:
        self.task = task
        self.config = config
        #: How many workers run the task (shown by ``--verbose``).
        self.workers = 1

    def map(self, batches: Iterable[list["Article"]]) -> Iterator[list[Any]]:
        """The task's result for each batch, in order."""
        for batch in batches:
            yield self.task(batch)

    def map_calls(self, function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """``function(item)`` for each item, in order, on this executor's workers.

        Used by :func:`corpus_map` during ``finalize``; ``function`` must be a
        module-level function and the items picklable.
        """
        return map(function, items)

    def close(self) -> None:
        """Release workers; called once, also after an error."""

    @staticmethod
    def bounded(submit: Callable[[Any], Any], items: Iterable[Any], limit: int) -> Iterator[tuple[Any, Any]]:
        """(item, future) pairs in input order, with at most about ``limit`` futures in flight.

        ``submit(item)`` starts the work and returns a future with ``done()`` and
        ``result()`` (concurrent.futures and Dask futures both qualify). Reading
        stops ahead of the results, so memory stays flat on a corpus of any size.
        """
        pending: deque = deque()
        for item in items:
            pending.append((item, submit(item)))
            while pending and (len(pending) > limit or pending[0][1].done()):
                yield pending.popleft()
        while pending:
            yield pending.popleft()

    @staticmethod
    def cores() -> int:
        """The cores this process may use (containers and ``taskset`` may allow fewer than the machine has)."""
        return default_jobs()

    @staticmethod
    def process_pool(workers: int, **options: Any) -> "ProcessPoolExecutor":
        """A ``concurrent.futures`` pool of ``workers`` local processes, forked where the platform can
        (workers then start without importing the plugins again); ``options`` go to the pool."""
        import multiprocessing  # imported here: a one-file run never starts a pool
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        return ProcessPoolExecutor(workers, mp_context=context, **options)

    @staticmethod
    def submit_or_fail(pool: Any, function: Callable[[Any], Any], item: Any) -> "Future":
        """``pool.submit(function, item)``, or a future that failed with the error when the pool
        takes no more work (a worker was killed, e.g. out of memory, and broke it): the caller
        then does that work itself, as for any future that failed."""
        try:
            return pool.submit(function, item)
        except Exception as error:
            from concurrent.futures import Future

            failed: Future = Future()
            failed.set_exception(error)
            return failed


#: The executor of the run in progress, for corpus_map().
_CURRENT: Optional[Executor] = None


def corpus_map(function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """Map ``function`` over ``items`` on the run's executor, results in order.

    A corpus rule's ``finalize`` calls this to spread its own work (e.g. one
    shard of a fingerprint index per call) over local worker processes or a
    Dask cluster; outside a run, or in a serial run, it is the built-in ``map``.
    The results must not depend on where the calls ran.
    """
    executor = _CURRENT
    return executor.map_calls(function, items) if executor is not None else map(function, items)


ExecutorFactory = Callable[[Task, "Config"], Executor]

#: Set in each pool process by the initializer (inherited through fork, so rules need not pickle).
_TASK: Optional[Task] = None


def _init(task: Task) -> None:
    global _TASK
    _TASK = task


def _run_batch(batch: list) -> list:
    assert _TASK is not None
    return _TASK(batch)


class ProcessExecutor(Executor):
    """Runs batches on ``--jobs`` local worker processes."""

    name = "processes"

    def __init__(self, task: Task, config: "Config") -> None:
        super().__init__(task, config)
        self.workers = config.get("jobs") or default_jobs()
        self.pool = self.process_pool(self.workers, initializer=_init, initargs=(task,))

    def map(self, batches: Iterable[list["Article"]]) -> Iterator[list[Any]]:
        for batch, future in self.bounded(lambda b: self._submit(_run_batch, b), batches, 4 * self.workers):
            yield self._result(batch, future)

    def map_calls(self, function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        for item, future in self.bounded(lambda item: self._submit(function, item), items, 2 * self.workers):
            try:
                yield future.result()
            except Exception:
                # As in map: a worker that died must not lose the run; do that call here.
                yield function(item)

    def _submit(self, function: Callable[[Any], Any], item: Any) -> "Future":
        return self.submit_or_fail(self.pool, function, item)

    def _result(self, batch: list, future: "Future") -> list:
        try:
            return future.result()
        except Exception:
            # A worker died or a result did not pickle: check that batch here instead.
            return self.task(batch)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def in_order(executor: Executor, jobs: Iterable[tuple[str, Any]]) -> Iterator[tuple[tuple[str, Any], Any]]:
    """Run the "articles" jobs on ``executor``; other jobs pass through in their place."""
    queue: deque[tuple[str, Any]] = deque()

    def batches() -> Iterator[list]:
        for job in jobs:
            queue.append(job)
            if job[0] == "articles":
                yield job[1]

    for output in executor.map(batches()):
        while queue[0][0] != "articles":
            yield queue.popleft(), None
        yield queue.popleft(), output
    while queue:
        yield queue.popleft(), None


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
