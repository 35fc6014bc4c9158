"""Set-up of each worker process of the local Dask clusters aucluster starts (a Dask
worker preload: `aucluster.parallel.WORKER_CONFIG`)."""

import logging
import signal


def dask_setup(worker) -> None:  # Dask calls it with the worker; not needed here
    """Ignore Ctrl-C, and log task cancellations only when they are errors.

    A terminal's Ctrl-C goes to every process of the job: each worker would die with its
    own KeyboardInterrupt tracebacks (two per worker, ~70 lines for two workers) while the
    command itself stops cleanly. Ignored here, the command alone takes it and closing its
    cluster stops the workers, whose cancelled tasks would otherwise log a WARNING each.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("distributed.worker.state_machine").setLevel(logging.ERROR)
