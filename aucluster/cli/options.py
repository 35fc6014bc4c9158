"""Click options (and the MD progress bar) more than one command uses, defined once."""

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from aucluster.errors import ParameterError
from aucluster.parallel import BATCH_SYSTEMS, BatchCluster

#: --overwrite: replace existing outputs (`aucluster.store.files.refuse_existing`).
overwrite_option = click.option(
    "--overwrite",
    is_flag=True,
    help="Replace outputs that exist already (without it an existing output is refused "
    "before any work and nothing is changed).",
)

#: --workers: Dask worker processes on this machine.
workers_option = click.option(
    "--workers",
    type=int,
    help="Dask worker processes on this machine [default: every core available, or 1 "
    "without Dask].",
)

_SCHEDULER = click.option(
    "--scheduler",
    help="Address of a running Dask scheduler (tcp://host:8786) instead of a local cluster.",
)
_BATCH = [
    click.option(
        "--cluster",
        "batch_system",
        type=click.Choice(sorted(BATCH_SYSTEMS)),
        help="Submit Dask workers as batch jobs (dask-jobqueue) from this machine, which "
        "must be reachable from the compute nodes (a login node); docs/scaling.md.",
    ),
    click.option(
        "--jobs", type=int, help="Batch jobs to submit (--cluster)  [default: 1]", default=None
    ),
    click.option(
        "--job-cores",
        type=int,
        help="Cores per job, one single-threaded worker each (--cluster)  [default: 8]",
    ),
    click.option("--job-memory", help="Memory per job, e.g. 16GB (--cluster)  [default: 16GB]"),
    click.option(
        "--job-walltime", help="Wall time per job, HH:MM:SS (--cluster)  [default: 01:00:00]"
    ),
    click.option("--queue", help="Batch queue or partition (--cluster)."),
    click.option("--account", help="Batch account to charge (--cluster)."),
]


def scheduler_option(func):
    """--scheduler ADDRESS, or --cluster slurm|pbs with the jobs' size: the command gets one
    `scheduler` argument, an address, a `BatchCluster` or None."""

    @functools.wraps(func)
    def command(*args, batch_system, jobs, job_cores, job_memory, job_walltime, queue,
                account, **kwargs):  # fmt: skip
        job = {"jobs": jobs, "cores": job_cores, "memory": job_memory,
               "walltime": job_walltime, "queue": queue, "account": account}  # fmt: skip
        given = {k: v for k, v in job.items() if v is not None}
        if batch_system is None:
            if given:
                names = ", ".join(f"--{'job-' if k in _JOB_SIZE else ''}{k}" for k in given)
                raise ParameterError(f"{names}: only with --cluster slurm|pbs")
        elif kwargs.get("scheduler") is not None:
            raise ParameterError(
                f"--scheduler {kwargs['scheduler']} and --cluster {batch_system}: give one"
            )
        else:
            kwargs["scheduler"] = BatchCluster(system=batch_system, **given)
        return func(*args, **kwargs)

    for option in reversed([_SCHEDULER, *_BATCH]):
        command = option(command)
    return command


_JOB_SIZE = ("cores", "memory", "walltime")


def output_dir_option(what: str):
    """-o/--output DIRECTORY (required), passed as `out_dir`."""
    return click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        required=True,
        help=f"Directory for {what}.",
    )


def index_option(default: str, what: str):
    """--index: which frames of the input, in ASE's index syntax."""
    return click.option(
        "--index",
        default=default,
        show_default=True,
        help=f"{what}, ASE syntax (':' all, '-1' last, '0:100:5').",
    )


class MDProgress:
    """Progress bar fed by an MD observer; it appears with the first step, so a run refused
    at the start prints only its error line."""

    def __init__(self, label: str, total: int, interval: int) -> None:
        self.label, self.total, self.interval = label, total, interval
        self.bar: Any = None

    def __call__(self, atoms, step: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=self.total, label=self.label)
            self.bar.__enter__()
        self.bar.update(self.interval)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@contextlib.contextmanager
def task_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar for work that reports `progress(done, total)` (the stability table, its
    free energies, the global-minimum search): yields that callback; the total may change."""
    bar = click.progressbar(length=1, label=label, show_pos=True)

    def progress(done: int, total: int) -> None:
        bar.length = max(total, 1)
        bar.update(done - bar.pos)

    with bar:
        yield progress
