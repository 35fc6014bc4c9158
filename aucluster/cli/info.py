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
    """Print atom count, motif (by adaptive CNA; and what the builder made, if it says),
    point group, radius of gyration [Å], diameter [Å] and surface atoms of the structure(s)
    in FILE (any format ASE reads)."""
    frames = read_frames(file, index)
    for frame in frames:
        d = describe(frame)
        structure = _structure_motif(frame)
        if as_json:
            click.echo(
                json.dumps(
                    {**asdict(d), "surface_fraction": d.surface_fraction, "cna_motif": structure}
                )
            )
            continue
        click.echo(
            f"{file}\n"
            f"  atoms              {d.n_atoms} ({d.formula})\n"
            f"  motif (CNA)        {structure}\n"
            f"  built as           {d.motif}\n"
            f"  point group        {d.point_group}\n"
            f"  radius of gyration {d.radius_of_gyration:.3f} Å\n"
            f"  diameter           {d.diameter:.3f} Å (largest atom–atom distance)\n"
            f"  surface atoms      {d.n_surface_atoms} ({100 * d.surface_fraction:.1f} %)"
        )


def _structure_motif(frame) -> str:
    """The particle's motif by the analysis rules (adaptive CNA, grains, faults): what the
    frame is now, not what its builder's label says (a molten frame keeps its label)."""
    from aucluster.analysis import analyze_frame
    from aucluster.structures.geometry import in_vacuum_box, lacks_box

    if len(frame) < 2:
        return "monomer"
    atoms = in_vacuum_box(frame) if lacks_box(frame) else frame
    return str(analyze_frame(atoms).motif)
