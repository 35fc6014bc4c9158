"""`aucluster build MOTIF -o FILE`: build one cluster and write it with its provenance."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.store import write_provenance
from aucluster.store.files import (
    check_writable,
    read_frames,
    structure_format,
    write_structures,
)
from aucluster.store.provenance import provenance_record
from aucluster.structures import (
    Motif,
    Within,
    build_core_cloud,
    build_core_satellites,
    build_core_shell,
    build_cuboctahedron,
    build_decahedron,
    build_double_icosahedron,
    build_fcc_sphere,
    build_icosahedron,
    build_member,
    build_octahedron,
    build_polycrystal,
    build_small_cluster,
    build_wulff,
    nearest_member,
    parse_size_distribution,
)
from aucluster.structures.assemblies import DEFAULT_CLOUD_SIZES

#: Options every motif takes.
_COMMON = {"element", "a0", "vacuum"}

_Builder = Callable[[dict[str, Any], dict[str, Any]], Atoms]
_BUILDERS: dict[Motif, tuple[frozenset[str], _Builder]] = {}


def _builder(motif: Motif, *options: str):
    """Register how `motif` is built and which options (besides element, a0, vacuum) apply."""

    def register(func: _Builder) -> _Builder:
        _BUILDERS[motif] = (frozenset(options), func)
        return func

    return register


def _need(opts: dict[str, Any], motif: Motif, *names: str) -> None:
    missing = [n for n in names if opts.get(n) is None]
    if missing:
        flags = ", ".join("--" + n.replace("_", "-") for n in missing)
        raise ParameterError(f"{motif} needs {flags}")


def _exactly_one(opts: dict[str, Any], motif: Motif, first: str, second: str) -> str:
    given = [n for n in (first, second) if opts.get(n) is not None]
    if len(given) != 1:
        a, b = ("--" + n.replace("_", "-") for n in (first, second))
        raise ParameterError(f"{motif} needs exactly one of {a} or {b}")
    return given[0]


def _by_size(motif: Motif, opts: dict[str, Any], common: dict[str, Any]) -> Atoms:
    member = nearest_member(motif, opts["n_atoms"], within=Within(opts["within"]))
    return build_member(member, **common)


def _core(opts: dict[str, Any], motif: Motif, common: dict[str, Any]) -> Atoms:
    if _exactly_one(opts, motif, "core_radius", "core") == "core":
        return read_frames(opts["core"])[-1]
    return build_fcc_sphere(opts["core_radius"], **common)


@_builder(Motif.ICOSAHEDRON, "shells", "n_atoms", "within")
def _icosahedron(opts, common):
    if _exactly_one(opts, Motif.ICOSAHEDRON, "shells", "n_atoms") == "n_atoms":
        return _by_size(Motif.ICOSAHEDRON, opts, common)
    return build_icosahedron(opts["shells"], **common)


@_builder(Motif.CUBOCTAHEDRON, "shells", "n_atoms", "within")
def _cuboctahedron(opts, common):
    if _exactly_one(opts, Motif.CUBOCTAHEDRON, "shells", "n_atoms") == "n_atoms":
        return _by_size(Motif.CUBOCTAHEDRON, opts, common)
    return build_cuboctahedron(opts["shells"], **common)


def _decahedron(motif: Motif, opts, common):
    if opts.get("n_atoms") is not None:
        if any(opts.get(k) is not None for k in ("p", "q", "r")):
            raise ParameterError(f"{motif}: give --n-atoms or --p/--q/--r, not both")
        return _by_size(motif, opts, common)
    _need(opts, motif, "p", "q")
    r = opts.get("r")
    if motif is Motif.MARKS_DECAHEDRON:
        _need(opts, motif, "r")
        if r < 1:
            raise ParameterError(f"r = {r}: a Marks decahedron has a re-entrance r ≥ 1")
    elif r not in (None, 0):
        raise ParameterError(
            f"r = {r}: an Ino decahedron has no re-entrance (use marks-decahedron)"
        )
    return build_decahedron(opts["p"], opts["q"], r or 0, **common)


@_builder(Motif.INO_DECAHEDRON, "p", "q", "r", "n_atoms", "within")
def _ino(opts, common):
    return _decahedron(Motif.INO_DECAHEDRON, opts, common)


@_builder(Motif.MARKS_DECAHEDRON, "p", "q", "r", "n_atoms", "within")
def _marks(opts, common):
    return _decahedron(Motif.MARKS_DECAHEDRON, opts, common)


@_builder(Motif.OCTAHEDRON, "length", "n_atoms", "within")
def _octahedron(opts, common):
    if _exactly_one(opts, Motif.OCTAHEDRON, "length", "n_atoms") == "n_atoms":
        return _by_size(Motif.OCTAHEDRON, opts, common)
    return build_octahedron(opts["length"], 0, **common)


@_builder(Motif.TRUNCATED_OCTAHEDRON, "length", "cutoff", "n_atoms", "within")
def _truncated_octahedron(opts, common):
    if opts.get("n_atoms") is not None:
        if opts.get("length") is not None or opts.get("cutoff") is not None:
            raise ParameterError(
                "truncated-octahedron: give --n-atoms or --length/--cutoff, not both"
            )
        return _by_size(Motif.TRUNCATED_OCTAHEDRON, opts, common)
    _need(opts, Motif.TRUNCATED_OCTAHEDRON, "length", "cutoff")
    length, cutoff = opts["length"], opts["cutoff"]
    if not (cutoff >= 1 and 2 * cutoff < length - 1):
        raise ParameterError(
            f"cutoff = {cutoff}: a truncated octahedron of length {length} needs "
            f"1 ≤ cutoff < (length − 1)/2 (cutoff 0 is the octahedron, (length − 1)/2 the "
            "cuboctahedron)"
        )
    return build_octahedron(length, cutoff, **common)


@_builder(Motif.DOUBLE_ICOSAHEDRON)
def _double_icosahedron(opts, common):
    return build_double_icosahedron(**common)


@_builder(Motif.WULFF, "n_atoms")
def _wulff(opts, common):
    _need(opts, Motif.WULFF, "n_atoms")
    return build_wulff(opts["n_atoms"], **common)


@_builder(Motif.FCC_SPHERE, "radius")
def _fcc_sphere(opts, common):
    _need(opts, Motif.FCC_SPHERE, "radius")
    return build_fcc_sphere(opts["radius"], **common)


@_builder(Motif.POLYCRYSTAL, "radius", "grains", "seed")
def _polycrystal(opts, common):
    _need(opts, Motif.POLYCRYSTAL, "radius", "grains")
    return build_polycrystal(opts["radius"], opts["grains"], seed=opts["seed"], **common)


@_builder(Motif.CORE_SHELL, "core_radius", "shell_thickness", "shell_density", "seed")
def _core_shell(opts, common):
    _need(opts, Motif.CORE_SHELL, "core_radius", "shell_thickness")
    extra = {"shell_density": opts["shell_density"]} if opts.get("shell_density") else {}
    return build_core_shell(
        opts["core_radius"], opts["shell_thickness"], seed=opts["seed"], **extra, **common
    )


@_builder(
    Motif.CORE_CLOUD,
    "core_radius",
    "core",
    "cloud_inner",
    "cloud_outer",
    "cloud_density",
    "cloud_sizes",
    "seed",
)
def _core_cloud(opts, common):
    _need(opts, Motif.CORE_CLOUD, "cloud_inner", "cloud_outer", "cloud_density")
    core = _core(opts, Motif.CORE_CLOUD, common)
    sizes = (
        parse_size_distribution(opts["cloud_sizes"])
        if opts.get("cloud_sizes")
        else DEFAULT_CLOUD_SIZES
    )
    return build_core_cloud(
        core,
        inner_radius=opts["cloud_inner"],
        outer_radius=opts["cloud_outer"],
        density_per_nm3=opts["cloud_density"],
        size_distribution=sizes,
        seed=opts["seed"],
        a0=common["a0"],
        vacuum=common["vacuum"],
    )


@_builder(
    Motif.CORE_SATELLITES, "core_radius", "core", "satellites", "satellite_size", "gap", "seed"
)
def _core_satellites(opts, common):
    _need(opts, Motif.CORE_SATELLITES, "satellites", "satellite_size")
    core = _core(opts, Motif.CORE_SATELLITES, common)
    satellite = build_small_cluster(
        opts["satellite_size"], element=common["element"], a0=common["a0"]
    )
    return build_core_satellites(
        core,
        satellite,
        opts["satellites"],
        gap=opts.get("gap") or 0.0,
        seed=opts["seed"],
        a0=common["a0"],
        vacuum=common["vacuum"],
    )


def _check_applicable(motif: Motif, opts: dict[str, Any]) -> None:
    allowed, _ = _BUILDERS[motif]
    given = {k for k, v in opts.items() if v is not None}
    # --within and --seed carry defaults: they count as given only where they apply
    stray = sorted(given - allowed - {"within", "seed"})
    if stray:
        flags = ", ".join("--" + n.replace("_", "-") for n in stray)
        raise ParameterError(f"{flags} does not apply to {motif}")


def build_from_options(motif: Motif, opts: dict[str, Any], common: dict[str, Any]) -> Atoms:
    """Build `motif` from CLI option values (None = not given); a seam the tests use too."""
    _check_applicable(motif, opts)
    return _BUILDERS[motif][1](opts, common)


@click.command(epilog="MOTIF is one of: " + ", ".join(str(m) for m in _BUILDERS) + ".")
@click.argument("motif", type=click.Choice([str(m) for m in _BUILDERS]), metavar="MOTIF")
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
    default="Au",
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
    default=10.0,
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
    "--core",
    type=click.Path(exists=True, dir_okay=False),
    help="Core structure file instead of --core-radius (core-cloud, core-satellites).",
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
    "--cloud-density",
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
    type=int,
    default=0,
    show_default=True,
    help="Random seed (polycrystal, core-shell, core-cloud, core-satellites).",
)
def build(
    motif: str, output: Path, element: str, a0: float | None, vacuum: float, **opts: Any
) -> None:
    """Build one cluster of MOTIF and write it to OUTPUT.

    \b
    Examples:
      aucluster build icosahedron --shells 4 -o ico147.extxyz
      aucluster build marks-decahedron --n-atoms 150 --within family -o marks.xyz
      aucluster build polycrystal --radius 15 --grains 5 --seed 1 -o seed.extxyz
      aucluster build core-cloud --core-radius 10 --cloud-inner 14 --cloud-outer 30 \\
          --cloud-density 3 -o cloud.extxyz
    """
    check_writable(output)
    structure_format(output)
    motif_enum = Motif(motif)
    common = {"element": element, "a0": a0, "vacuum": vacuum}
    atoms = build_from_options(motif_enum, opts, common)
    inputs = [opts["core"]] if opts.get("core") else []
    settings = {"motif": motif, **common, **{k: v for k, v in opts.items() if v is not None}}
    seed = opts["seed"] if "seed" in _BUILDERS[motif_enum][0] else None
    record = provenance_record(settings=settings, seed=seed, inputs=inputs)
    write_structures(output, atoms)
    write_provenance(output, record)
    click.echo(f"wrote {len(atoms)} atoms ({atoms.info['motif']}) to {output}")
