"""Click options more than one command takes, defined once."""

import click

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


def index_option(default: str, what: str):
    """--index: which frames of the input, in ASE's index syntax."""
    return click.option(
        "--index",
        default=default,
        show_default=True,
        help=f"{what}, ASE syntax (':' all, '-1' last, '0:100:5').",
    )
