"""`aucluster info FILE`: what a structure file holds, one block per frame."""

import json
from dataclasses import asdict
from pathlib import Path

import click

from aucluster.cli.options import index_option
from aucluster.store.files import read_frames
from aucluster.structures import describe


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@index_option("-1", "Frame(s) to describe")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per frame).")
def info(file: Path, index: str, as_json: bool) -> None:
    """Print atom count, motif, point group, radius of gyration [Å], diameter [Å] and
    surface atoms of the structure(s) in FILE (any format ASE reads)."""
    frames = read_frames(file, index)
    for frame in frames:
        d = describe(frame)
        if as_json:
            click.echo(json.dumps({**asdict(d), "surface_fraction": d.surface_fraction}))
            continue
        click.echo(
            f"{file}\n"
            f"  atoms              {d.n_atoms} ({d.formula})\n"
            f"  motif              {d.motif}\n"
            f"  point group        {d.point_group}\n"
            f"  radius of gyration {d.radius_of_gyration:.3f} Å\n"
            f"  diameter           {d.diameter:.3f} Å (largest atom–atom distance)\n"
            f"  surface atoms      {d.n_surface_atoms} ({100 * d.surface_fraction:.1f} %)"
        )
