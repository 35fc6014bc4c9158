"""Click options (and the MD progress bar) more than one command uses, defined once."""

from pathlib import Path
from typing import Any

import click

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

#: --scheduler: the address of a running Dask scheduler.
scheduler_option = click.option(
    "--scheduler",
    help="Address of a running Dask scheduler (tcp://host:8786) instead of a local cluster.",
)


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
