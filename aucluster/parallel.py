"""Spread independent tasks over Dask: a `LocalCluster` by default, a scheduler when given.

No home-made job queue: one process per worker (asap3 holds the GIL), one thread each. With
one worker and no scheduler the tasks run in this process and Dask is not needed.
"""

import logging
import os
import re
import shlex
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from aucluster.errors import ParameterError


class DaskMissingError(ParameterError):
    """Parallel work was asked for without Dask installed."""


class SchedulerLostError(ParameterError):
    """The connection to the Dask scheduler was lost while tasks were pending (the CLI's one
    Error line and exit 2: the fix, a scheduler, is the user's, and a rerun continues)."""


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def default_workers() -> int:
    """Cores this process may use (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def check_workers(workers: int | None) -> int:
    n = default_workers() if workers is None else workers
    if int(n) != n or n < 1:
        raise ParameterError(f"workers = {workers!r}: must be an integer ≥ 1")
    return int(n)


#: How long to try to reach a scheduler given by address before refusing it.
SCHEDULER_TIMEOUT = "20s"

#: Dask's statistical profiler samples each worker's stack every 10 ms under the GIL; on the
#: Python-heavy FIRE loop it cost ~40 % (40 relaxations: 13.1 s with it, 8.6 s without, 9.5 s
#: in this process). Off for the clusters started here.
#: Each local worker also runs `aucluster._dask_worker` at its start (Ctrl-C is this
#: process's alone; no warning per task cancelled when the cluster closes early; for local
#: workers, no traceback for a heartbeat cut by the closing scheduler).
_PRELOAD = "distributed.worker.preload"
WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    _PRELOAD: ["aucluster._dask_worker"],
}


def worker_environment() -> dict[str, str]:
    """`WORKER_CONFIG` as the environment variables Dask reads its configuration from: how
    workers started elsewhere (batch jobs) get the settings of the local ones."""
    return {
        "DASK_" + key.upper().replace(".", "__").replace("-", "_"): repr(value)
        for key, value in WORKER_CONFIG.items()
    }


#: Batch systems `BatchCluster` submits workers to (dask-jobqueue's cluster classes).
BATCH_SYSTEMS = {"slurm": "SLURMCluster", "pbs": "PBSCluster"}
_WALLTIME = re.compile(r"^(\d+-)?\d{1,3}:\d{2}:\d{2}$")


@dataclass(frozen=True, kw_only=True)
class BatchCluster:
    """Dask workers as batch jobs (dask-jobqueue): `jobs` jobs of `cores` one-thread worker
    processes each (asap3 holds the GIL), `memory` per job, for `walltime` (HH:MM:SS, SLURM
    also D-HH:MM:SS). The scheduler runs in this process; the jobs connect back to it, so
    the compute nodes must reach this machine (a login node does). Pass one as the
    `scheduler` of `map_unordered` and of the functions that take one."""

    system: str
    cores: int = 8
    memory: str = "16GB"
    walltime: str = "01:00:00"
    jobs: int = 1
    queue: str | None = None
    account: str | None = None

    def __post_init__(self) -> None:
        if self.system not in BATCH_SYSTEMS:
            raise ParameterError(
                f"batch system {self.system!r}: allowed are {', '.join(BATCH_SYSTEMS)}"
            )
        for name in ("cores", "jobs"):
            value = getattr(self, name)
            if isinstance(value, bool) or int(value) != value or value < 1:
                raise ParameterError(f"{name} = {value!r}: must be an integer ≥ 1")
        from dask.utils import parse_bytes

        try:
            n_bytes = parse_bytes(self.memory)
        except (ValueError, TypeError):
            n_bytes = 0
        if not n_bytes > 0:
            raise ParameterError(f"job memory {self.memory!r}: give a size such as 16GB")
        if not _WALLTIME.match(self.walltime):
            raise ParameterError(f"walltime {self.walltime!r}: give HH:MM:SS (e.g. 02:00:00)")

    def make(self):
        """The dask-jobqueue cluster: its scheduler started here, no job submitted yet."""
        ctrl_c = signal.getsignal(signal.SIGINT)
        try:
            import dask_jobqueue  # its runner module replaces the SIGINT handler on import
        except ImportError:
            raise DaskMissingError(
                f"--cluster {self.system} needs dask-jobqueue: pip install 'aucluster[parallel]'"
            ) from None
        finally:  # Ctrl-C stays a KeyboardInterrupt (dask-jobqueue's: a silent exit 0)
            if threading.current_thread() is threading.main_thread() and ctrl_c is not None:
                signal.signal(signal.SIGINT, ctrl_c)
        cls = getattr(dask_jobqueue, BATCH_SYSTEMS[self.system])
        return cls(
            cores=self.cores,
            processes=self.cores,
            memory=self.memory,
            walltime=self.walltime,
            queue=self.queue,
            account=self.account,
            job_script_prologue=[
                f"export {k}={shlex.quote(v)}" for k, v in worker_environment().items()
            ],
            # `dask worker` passes its own (empty) --preload, over the configured one
            worker_extra_args=[f"--preload={name}" for name in WORKER_CONFIG[_PRELOAD]],
            scheduler_options={"dashboard": False, "dashboard_address": ":0"},
        )

    def job_script(self) -> str:
        """The job script each job runs (what `sbatch` / `qsub` is given)."""
        cluster = self.make()
        try:
            return cluster.job_script()
        finally:
            cluster.close()


def _batch_cluster(batch: BatchCluster):
    cluster = batch.make()
    try:
        cluster.scale(jobs=batch.jobs)
    except BaseException:
        cluster.close()
        raise
    return cluster


def _local_cluster(n_workers: int):
    import dask
    from distributed import LocalCluster

    from aucluster._dask_worker import LOCAL_KEY

    with dask.config.set({**WORKER_CONFIG, LOCAL_KEY: True}):
        return LocalCluster(  # the config is handed to the workers by their nannies
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # the scheduler's HTTP endpoint on a free port: never "port 8787 in use" when
            # another cluster (or a second table) runs on the same machine
            scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
        )


def map_unordered(
    func: Callable[..., Any],
    items: Sequence[Any],
    *,
    workers: int | None = None,
    scheduler: "str | BatchCluster | None" = None,
    **kwargs: Any,
) -> "TaskResults":
    """Yield (index, func(items[index], **kwargs)) as tasks finish, in any order.

    `scheduler`: address of a running Dask scheduler (e.g. ``tcp://host:8786``), or a
    `BatchCluster` whose jobs are submitted here and cancelled at the end; otherwise a
    `LocalCluster` of `workers` processes (default:
    the cores available; serial in this process when Dask is not installed) is started and
    closed here. ``workers=1`` without a scheduler runs serially in this process. Scripts
    that start workers must guard their entry point with ``if __name__ == "__main__":``
    (worker processes are spawned and re-import it).

    The worker count is checked, and the scheduler reached (or the local cluster started),
    when this is called, not at the first result: a caller that calls it before writing
    anything leaves nothing behind when it is refused. The pool shuts down when the results
    are exhausted, on an error, or on `close()` of the returned iterator.
    """
    n_workers = check_workers(workers)
    if scheduler is None and workers is None and not dask_available():
        n_workers = 1  # the default asks for every core only when Dask can provide them
    if scheduler is None and n_workers == 1:
        return _Serial(func, items, kwargs)
    if not dask_available():
        raise DaskMissingError(
            "parallel work needs Dask: pip install 'aucluster[parallel]' (or use one worker)"
        )
    from distributed import Client

    cluster = None
    if scheduler is None:
        cluster = _local_cluster(n_workers)
        client = Client(cluster)
    elif isinstance(scheduler, BatchCluster):
        cluster = _batch_cluster(scheduler)
        client = Client(cluster)
        scheduler = f"of the {scheduler.system} jobs ({cluster.scheduler_address})"
    else:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ParameterError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None
    return _Results(client, cluster, func, items, kwargs, address=scheduler)


class TaskResults(Iterator[tuple[int, Any]]):
    """What `map_unordered` returns: (index, result) pairs as tasks finish; `close()` stops
    and releases the pool (idempotent)."""

    def close(self) -> None:
        """Release what the tasks hold (nothing, when they run in this process)."""


class _Serial(TaskResults):
    """The tasks one after the other in this process."""

    def __init__(self, func, items, kwargs) -> None:
        self._tasks = ((index, func(item, **kwargs)) for index, item in enumerate(items))

    def __next__(self) -> tuple[int, Any]:
        return next(self._tasks)

    def close(self) -> None:
        self._tasks.close()


class _Results(TaskResults):
    """The results of tasks submitted to a Dask client, as they finish; closes the client
    (and the local cluster) at the end, on an error or on `close()`."""

    def __init__(self, client, cluster, func, items, kwargs, *, address=None) -> None:
        from distributed import as_completed

        self._client, self._cluster = client, cluster
        self._address = address or "of the local cluster"
        self._finished = 0
        try:
            self._futures = {
                client.submit(func, item, pure=False, **kwargs): index
                for index, item in enumerate(items)
            }
            self._done = as_completed(self._futures)
        except BaseException:
            self.close()
            raise

    def __next__(self) -> tuple[int, Any]:
        try:
            future = next(self._done)
            result = self._futures[future], future.result()
        except BaseException as exc:  # StopIteration at the end, the task's error, Ctrl-C
            lost = self._lost(exc)
            if lost:  # the client's reconnection, cancelled by close(), logs its traceback
                logging.getLogger("distributed.client").setLevel(logging.CRITICAL)
            self.close()
            if lost:
                raise SchedulerLostError(
                    f"lost the Dask scheduler {self._address} with "
                    f"{len(self._futures) - self._finished} of {len(self._futures)} tasks "
                    "unfinished; what finished is kept: run the same command again, with a "
                    "scheduler, to continue"
                ) from None
            raise
        self._finished += 1
        return result

    def _lost(self, exc: BaseException) -> bool:
        """Whether `exc` says the scheduler went away rather than a task failing: we never
        cancel a future, so a cancelled one was cancelled by the lost connection."""
        import asyncio
        import concurrent.futures

        if isinstance(exc, asyncio.CancelledError | concurrent.futures.CancelledError):
            return True  # Dask's FutureCancelledError, for one
        if not isinstance(exc, Exception) or isinstance(exc, StopIteration):
            return False  # Ctrl-C, or the end
        client = self._client
        return client is not None and client.status not in ("running", "newly-created")

    def close(self) -> None:
        if self._client is None:
            return
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        # workers still heartbeating while the scheduler stops log connection errors that
        # say nothing about the work; silence them for the shutdown only
        quiet = [logging.getLogger(n) for n in ("distributed.worker", "distributed.nanny")]
        levels = [log.level for log in quiet]
        for log in quiet:
            log.setLevel(logging.CRITICAL)
        try:
            client.close()
            if cluster is not None:
                cluster.close()
        finally:
            for log, level in zip(quiet, levels, strict=True):
                log.setLevel(level)
