"""Set-up of each worker process of the Dask clusters aucluster starts (a Dask worker
preload: `aucluster.parallel.WORKER_CONFIG`)."""

import logging
import signal

#: Dask configuration key set (True) for the workers of the `LocalCluster`s started here
#: only: their scheduler lives in the command's own process.
LOCAL_KEY = "aucluster.local-worker"

_HEARTBEAT = "Failed to communicate with scheduler during heartbeat"


class ClosedSchedulerHeartbeat(logging.Filter):
    """Drop the worker's "Failed to communicate with scheduler during heartbeat" record when
    its cause is the scheduler closing the connection (`CommClosedError`).

    A worker busy in a task that holds the GIL (asap3's MD) reads the scheduler's "close"
    late; a heartbeat it sent meanwhile fails when the scheduler stops, and Dask logs it
    with a 30-line traceback (dask/distributed#7105, open). For a local cluster the
    scheduler is in the command's own process, so a closed stream means the command closed
    it (at the end, on an error or on Ctrl-C). Other heartbeat failures (a timeout, a
    refused connection) are kept.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith(_HEARTBEAT) or not record.exc_info:
            return True
        from distributed.comm.core import CommClosedError

        return not isinstance(record.exc_info[1], CommClosedError)


def dask_setup(worker) -> None:  # Dask calls it with the worker; not needed here
    """Ignore Ctrl-C, and log task cancellations only when they are errors; in the workers
    of a local cluster, no traceback for a heartbeat cut by the scheduler's closing.

    A terminal's Ctrl-C goes to every process of the job: each worker would die with its
    own KeyboardInterrupt tracebacks (two per worker, ~70 lines for two workers) while the
    command itself stops cleanly. Ignored here, the command alone takes it and closing its
    cluster stops the workers, whose cancelled tasks would otherwise log a WARNING each.
    """
    import dask

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("distributed.worker.state_machine").setLevel(logging.ERROR)
    if dask.config.get(LOCAL_KEY, default=False):
        log = logging.getLogger("distributed.worker")
        if not any(isinstance(f, ClosedSchedulerHeartbeat) for f in log.filters):
            log.addFilter(ClosedSchedulerHeartbeat())
