"""Where the work runs: in this process, or over a pool of worker processes.

An executor maps ``Worker.process_batch`` over batches of articles and gives
the results back in input order, so a parallel run reports exactly what a
serial run reports. The pool keeps a bounded number of batches in flight, so
memory does not grow with the size of the corpus.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Iterable, Iterator, Optional

from ._work import Worker

#: Set in each pool process by the initializer (inherited through fork, so rules need not pickle).
_WORKER: Optional[Worker] = None


def _init(worker: Worker) -> None:
    global _WORKER
    _WORKER = worker


def _process_batch(articles: list) -> list:
    assert _WORKER is not None
    return _WORKER.process_batch(articles)


class SerialExecutor:
    """Runs every batch in this process."""

    name = "serial"

    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    def map(self, jobs: Iterable[tuple[str, Any]]) -> Iterator[tuple[tuple[str, Any], Any]]:
        for job in jobs:
            yield job, self.worker.process_batch(job[1]) if job[0] == "articles" else None

    def close(self) -> None:
        pass


class ProcessExecutor(SerialExecutor):
    """Runs batches on ``jobs`` worker processes, results in input order."""

    name = "processes"

    def __init__(self, worker: Worker, jobs: int) -> None:
        super().__init__(worker)
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.jobs = jobs
        self.pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init, initargs=(worker,))

    def map(self, jobs: Iterable[tuple[str, Any]]) -> Iterator[tuple[tuple[str, Any], Any]]:
        pending: deque[tuple[tuple[str, Any], Optional[Future]]] = deque()
        limit = 4 * self.jobs
        for job in jobs:
            future = self.pool.submit(_process_batch, job[1]) if job[0] == "articles" else None
            pending.append((job, future))
            while len(pending) > limit or (pending and (pending[0][1] is None or pending[0][1].done())):
                yield self._resolve(*pending.popleft())
        while pending:
            yield self._resolve(*pending.popleft())

    def _resolve(self, job: tuple[str, Any], future: Optional[Future]) -> tuple[tuple[str, Any], Any]:
        if future is None:
            return job, None
        try:
            return job, future.result()
        except Exception:
            # A worker died or a result did not pickle: check that batch here instead.
            return job, self.worker.process_batch(job[1])

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
