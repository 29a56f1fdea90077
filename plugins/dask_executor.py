"""Checking on a Dask cluster: ``newslint check --executor dask [--scheduler tcp://HOST:8786] corpus/``.

Batches of articles go to Dask workers, which run the same task as local
worker processes (line and article rules, fixes, corpus ``collect``) and send
the results back in input order; reading, reporting and corpus ``finalize``
stay in this process. Without ``--scheduler`` a LocalCluster is started.
Dask is imported only when this executor is chosen; ``pip install newslint[dask]``
installs it.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from newslint import Executor, UsageError, hookimpl


@hookimpl
def newslint_addoption(parser):
    parser.addoption("scheduler", help="Dask scheduler address for --executor dask (default: start a local cluster)")


@hookimpl
def newslint_register_executors(register):
    register("dask", DaskExecutor)


def _apply(task, batch):
    return task(batch)


class DaskExecutor(Executor):
    """Runs batches as Dask tasks, a bounded number in flight, results in input order."""

    name = "dask"

    def __init__(self, task, config) -> None:
        super().__init__(task, config)
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise UsageError("--executor dask needs Dask: pip install 'newslint[dask]'") from None
        address = config.get("scheduler")
        self.cluster = None
        try:
            if address:
                self.client = Client(address, timeout="30s")
            else:
                self.cluster = LocalCluster(n_workers=config.get("jobs") or None, threads_per_worker=1,
                                            processes=True, dashboard_address=None)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as error:
            raise UsageError(f"cannot reach the Dask scheduler {address}: {error}") from None
        self.workers = max(1, len(self.client.scheduler_info()["workers"]))
        # Ship the task (the rules and their options) to every worker once, not with every batch.
        self.task_future = self.client.scatter(task, broadcast=True)

    def map(self, batches: Iterable[list]) -> Iterator[list[Any]]:
        submit = self.client.submit
        for _, future in self.bounded(lambda b: submit(_apply, self.task_future, b, pure=False),
                                      batches, 4 * self.workers):
            yield future.result()

    def map_calls(self, function, items) -> Iterator[Any]:
        submit = self.client.submit
        for _, future in self.bounded(lambda item: submit(function, item, pure=False), items, 2 * self.workers):
            yield future.result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
