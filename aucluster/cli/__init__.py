"""The `aucluster` command: a click group with one small module per command, no physics."""

import sys
from typing import NoReturn

import click

from aucluster import __version__
from aucluster.errors import ParameterError
from aucluster.interrupts import held_ctrl_c


class _Group(click.Group):
    """Click group whose errors are one line on stderr, exit status 2 for bad input.

    Click's own usage errors would print the usage and a hint first; the design asks for one
    clear line naming the bad value, so every error is reported as ``Error: …`` alone.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except ParameterError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):  # Ctrl-C: the shell's 128 + SIGINT
                _interrupted()
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            _interrupted()
        sys.exit(result if isinstance(result, int) else 0)


def _interrupted() -> NoReturn:
    """Ctrl-C: one line and the shell's 128 + SIGINT.

    CPython marks a KeyboardInterrupt that ends code run from a string (``exec("…")``, as
    scipy's array-API shim does while it is imported) as "unhandled" in a process-wide flag
    that only the next such run clears; at exit the flag overrides ``sys.exit`` and the
    process kills itself with SIGINT (exit −2), even though the interrupt was caught here.
    A Ctrl-C landing in those imports did that; a command's module is now imported with the
    Ctrl-C held (`aucluster.interrupts`), but a command's own later imports (matplotlib,
    Dask) are not. An ``exec`` that completes clears the flag.
    """
    exec("pass")  # clears CPython's unhandled-KeyboardInterrupt flag, see above
    click.echo("Error: interrupted (Ctrl-C)", err=True)
    sys.exit(130)


#: Each command's module, imported only when the command is asked for: `aucluster md …`
#: does not load the analysis, imaging and stability stacks (~3 s of imports for all), and
#: every import happens inside `_Group.main`, where a Ctrl-C is one `Error:` line, and with
#: the Ctrl-C held until the import is complete (see `aucluster.interrupts`).
_COMMANDS = (
    "analyze", "build", "compare", "detectability", "image", "info", "kinetics", "md", "minima",
    "run", "series", "stability",
)  # fmt: skip


class _LazyGroup(_Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*_COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _COMMANDS and cmd_name not in self.commands:
            from importlib import import_module

            with held_ctrl_c():  # a Ctrl-C in the imports is raised once they are complete
                module = import_module(f"aucluster.cli.{cmd_name}")
            self.add_command(getattr(module, cmd_name))
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aucluster")
def main() -> None:
    """aucluster: atomistic simulation of Au nanocrystal growth.

    Lengths are in Å, energies in eV; other units are named in each option.
    """
