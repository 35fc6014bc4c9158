"""`aucluster build MOTIF -o FILE`: build one cluster and write it with its provenance."""

from pathlib import Path
from typing import Any

import click
from ase import Atoms

from aucluster.cli.options import overwrite_option
from aucluster.store import write_provenance
from aucluster.store.files import (
    check_writable,
    refuse_existing,
    structure_format,
    write_structures,
)
from aucluster.store.provenance import provenance_record
from aucluster.structures import Motif, Within
from aucluster.structures.motif import SHELL_MOTIFS
from aucluster.structures.registry import BUILDERS, COMMON, build_structure


def _flag(key: str) -> str:
    return "--" + key.replace("_", "-")


def build_from_options(motif: Motif, opts: dict[str, Any], common: dict[str, Any]) -> Atoms:
    """Build `motif` from CLI option values (None = not given) through the registry."""
    return build_structure(motif, opts, **common, spell=_flag)


@click.command(epilog="MOTIF is one of: " + ", ".join(str(m) for m in BUILDERS) + ".")
@click.argument("motif", type=click.Choice([str(m) for m in BUILDERS]), metavar="MOTIF")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file; format from the extension (.extxyz/.xyz → extended XYZ, or any "
    "ASE format: .traj, .cif, .vasp, .pdb). A provenance record is written "
    "beside it as OUTPUT.provenance.json.",
)
@click.option(
    "--element",
    default=COMMON["element"],
    show_default=True,
    help="fcc metal with asap3 EMT parameters: Al, Ni, Cu, Pd, Ag, Pt, Au.",
)
@click.option(
    "--a0",
    type=float,
    help="Lattice constant [Å]; default the element's reference value from ase.data (Au 4.08 Å).",
)
@click.option(
    "--vacuum",
    type=float,
    default=COMMON["vacuum"],
    show_default=True,
    help="Empty space between the cluster and each face of its box [Å].",
)
@click.option(
    "--n-atoms", type=int, help="Build the member nearest to this many atoms (shell motifs, wulff)."
)
@click.option(
    "--within",
    type=click.Choice([str(w) for w in Within]),
    default="series",
    show_default=True,
    help="With --n-atoms: search the magic series or the whole family.",
)
@click.option(
    "--shells", type=int, help="Number of shells (icosahedron, cuboctahedron): 2 → 13 atoms."
)
@click.option(
    "--p", type=int, help="Decahedron: atoms on the (100) edges perpendicular to the axis."
)
@click.option(
    "--q", type=int, help="Decahedron: atoms on the (100) facets along the axis (1 = none)."
)
@click.option("--r", type=int, help="Decahedron: depth of the Marks re-entrance (0 = Ino).")
@click.option("--length", type=int, help="(Truncated) octahedron: atoms per octahedron edge.")
@click.option("--cutoff", type=int, help="Truncated octahedron: layers cut off each corner.")
@click.option("--radius", type=float, help="Sphere radius [Å] (fcc-sphere, polycrystal).")
@click.option("--grains", type=int, help="Polycrystal: number of randomly oriented fcc grains.")
@click.option(
    "--core-radius",
    type=float,
    help="Radius of the crystalline fcc core [Å] (core-shell, core-cloud, core-satellites).",
)
@click.option(
    "--core-grains",
    type=int,
    help="With --core-radius: a polycrystalline core of this many randomly oriented fcc "
    "grains (from --seed) instead of a single-crystal sphere (core-cloud, core-satellites).",
)
@click.option(
    "--core",
    type=click.Path(exists=True, dir_okay=False),
    help="Core structure file instead of --core-radius (core-cloud, core-satellites).",
)
@click.option(
    "--core-motif",
    type=click.Choice([str(m) for m in SHELL_MOTIFS]),
    help="Core of a shell motif instead of --core-radius, with --core-atoms "
    "(core-cloud, core-satellites).",
)
@click.option(
    "--core-atoms", type=int, help="With --core-motif: the magic member nearest this size."
)
@click.option("--shell-thickness", type=float, help="Core-shell: disordered shell thickness [Å].")
@click.option(
    "--shell-density",
    type=float,
    help="Core-shell: shell density relative to the "
    "fcc crystal [1]; default 0.897 (liquid Au at its melting point).",
)
@click.option("--cloud-inner", type=float, help="Core-cloud: inner radius of the cloud shell [Å].")
@click.option("--cloud-outer", type=float, help="Core-cloud: outer radius of the cloud shell [Å].")
@click.option(
    "--cloud-density-per-nm3",
    type=float,
    help="Core-cloud: cloud atoms per nm³ of shell (fcc Au has 59 nm⁻³).",
)
@click.option(
    "--cloud-sizes",
    help="Core-cloud: cluster sizes and weights by number, "
    "SIZE:WEIGHT,… [default 1:0.7,13:0.1,19:0.1,38:0.1].",
)
@click.option("--satellites", type=int, help="Core-satellites: number of satellite clusters.")
@click.option(
    "--satellite-size",
    type=int,
    help="Core-satellites: atoms per satellite "
    "(13/55/147 icosahedron, 19 double icosahedron, 38 truncated octahedron, "
    "else an icosahedral fragment).",
)
@click.option(
    "--gap",
    type=float,
    help="Core-satellites: closest core–satellite distance beyond "
    "the nearest-neighbour distance [Å]; 0 = bonding contact [default 0].",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Random seed ≥ 0 (polycrystal, core-shell, core-cloud, core-satellites).",
)
@overwrite_option
def build(
    motif: str,
    output: Path,
    element: str,
    a0: float | None,
    vacuum: float,
    overwrite: bool,
    **opts: Any,
) -> None:
    """Build one cluster of MOTIF and write it to OUTPUT.

    \b
    Examples:
      aucluster build icosahedron --shells 4 -o ico147.extxyz
      aucluster build marks-decahedron --n-atoms 150 --within family -o marks.xyz
      aucluster build polycrystal --radius 15 --grains 5 --seed 1 -o seed.extxyz
      aucluster build core-cloud --core-radius 10 --cloud-inner 14 --cloud-outer 30 \\
          --cloud-density-per-nm3 3 -o cloud.extxyz
    """
    check_writable(output)
    refuse_existing([output], overwrite)
    structure_format(output)
    motif_enum = Motif(motif)
    common = {"element": element, "a0": a0, "vacuum": vacuum}
    atoms = build_from_options(motif_enum, opts, common)
    inputs = [opts["core"]] if opts.get("core") else []
    settings = {"motif": motif, **common, **{k: v for k, v in opts.items() if v is not None}}
    seed = opts["seed"] if BUILDERS[motif_enum].seeded else None
    record = provenance_record(settings=settings, seed=seed, inputs=inputs)
    write_structures(output, atoms)
    write_provenance(output, record)
    click.echo(f"wrote {len(atoms)} atoms ({atoms.info['motif']}) to {output}")
