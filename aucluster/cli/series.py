"""`aucluster series -o DIR`: build and describe the magic series of each shell motif.

The README's main job until the stability tables exist: it writes the series as one extxyz
file (one frame per cluster, for ASE and OVITO), a CSV table and a figure.
"""

from pathlib import Path

import click

from aucluster.cli.options import overwrite_option
from aucluster.errors import ParameterError
from aucluster.store import atomic_output, write_csv, write_provenance
from aucluster.store.files import (
    check_output_dir,
    make_output_dir,
    refuse_existing,
    write_structures,
)
from aucluster.store.provenance import provenance_record
from aucluster.structures import SUPPORTED_ELEMENTS, build_member, describe, magic_series
from aucluster.structures.motif import SHELL_MOTIFS
from aucluster.structures.plot import plot_series

#: Columns of series.csv, units in the names.
COLUMNS = (
    "motif",
    "parameters",
    "n_atoms",
    "point_group",
    "radius_of_gyration_A",
    "diameter_A",
    "n_surface_atoms",
    "surface_fraction",
)


def _motifs(text: str) -> list[str]:
    names = [m.strip() for m in text.split(",") if m.strip()]
    allowed = [str(m) for m in SHELL_MOTIFS]
    bad = [m for m in names if m not in allowed]
    if bad or not names:
        raise ParameterError(
            f"unknown motif(s) {', '.join(bad) or '(none)'}: allowed are {', '.join(allowed)}"
        )
    return names


@click.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("results/magic-series"),
    show_default=True,
    help="Directory for series.csv, series.extxyz and series.png (made if missing).",
)
@click.option(
    "--max-atoms",
    type=int,
    default=1000,
    show_default=True,
    help="Largest cluster to build [atoms].",
)
@click.option(
    "--motifs",
    default=",".join(str(m) for m in SHELL_MOTIFS),
    show_default=True,
    help="Comma-separated motifs.",
)
@click.option(
    "--element",
    type=click.Choice(SUPPORTED_ELEMENTS),
    default="Au",
    show_default=True,
    help="fcc metal.",
)
@click.option(
    "--a0", type=float, help="Lattice constant [Å]; default the element's reference value."
)
@overwrite_option
def series(
    out_dir: Path, max_atoms: int, motifs: str, element: str, a0: float | None, overwrite: bool
) -> None:
    """Build the magic series of each motif up to --max-atoms and describe every member
    (point group, radius of gyration, diameter, surface atoms)."""
    refuse_existing([out_dir], overwrite)
    check_output_dir(out_dir)
    names = _motifs(motifs)
    if max_atoms < 1:
        raise ParameterError(f"--max-atoms {max_atoms}: must be ≥ 1")
    members = [m for name in names for m in magic_series(name, max_atoms)]

    rows, images = [], []
    with click.progressbar(
        members,
        label="building and describing",
        show_pos=True,
        item_show_func=lambda m: f"{m.motif} N={m.n_atoms}" if m else "",
    ) as bar:
        for member in bar:
            atoms = build_member(member, element=element, a0=a0)
            d = describe(atoms)
            rows.append(
                {
                    "motif": str(member.motif),
                    "parameters": member.describe_parameters(),
                    "n_atoms": d.n_atoms,
                    "point_group": d.point_group,
                    "radius_of_gyration_A": f"{d.radius_of_gyration:.4f}",
                    "diameter_A": f"{d.diameter:.4f}",
                    "n_surface_atoms": d.n_surface_atoms,
                    "surface_fraction": f"{d.surface_fraction:.4f}",
                }
            )
            atoms.info["point_group"] = d.point_group
            images.append(atoms)

    settings = {"max_atoms": max_atoms, "motifs": names, "element": element, "a0": a0}
    record = provenance_record(settings=settings)
    make_output_dir(out_dir)  # only now: an error or Ctrl-C above leaves no directory
    csv_path = out_dir / "series.csv"
    write_csv(csv_path, rows, COLUMNS)
    xyz_path = write_structures(out_dir / "series.extxyz", images)
    png_path = out_dir / "series.png"
    with atomic_output(png_path) as tmp:
        plot_series(rows, tmp, title=f"{element} magic series up to {max_atoms} atoms")
    for path in (csv_path, xyz_path, png_path):
        write_provenance(path, record)
    click.echo(f"{len(rows)} clusters of {len(names)} motifs → {csv_path}, {xyz_path}, {png_path}")
