"""One builder registry: every structure `aucluster build` makes and a scenario's
``[structure]`` table names, with the options each takes (one vocabulary for both: the CLI's
``--core-radius`` is the scenario's ``core_radius``).

`build_structure(motif, options, element=, a0=, vacuum=)` checks the options (unknown, missing,
exclusive, out of range) and builds; `BUILDERS[motif].options` lists what applies. Options
every motif takes: ``element``, ``a0`` [Å], ``vacuum`` [Å] (`COMMON`). Lengths are in Å;
``cloud_density_per_nm3`` in atoms per nm³ of the cloud shell.

A cloud around any particle (`add_cloud`, a scenario's ``[structure.cloud]``) takes the
``cloud_*`` options of ``core-cloud``.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.structures.assemblies import (
    DEFAULT_CLOUD_SIZES,
    build_core_cloud,
    build_core_satellites,
    build_small_cluster,
    parse_size_distribution,
)
from aucluster.structures.geometry import DEFAULT_VACUUM
from aucluster.structures.motif import SHELL_MOTIFS, Motif
from aucluster.structures.polyhedra import (
    build_cuboctahedron,
    build_decahedron,
    build_double_icosahedron,
    build_fcc_sphere,
    build_icosahedron,
    build_octahedron,
)
from aucluster.structures.seeds import build_core_shell, build_polycrystal
from aucluster.structures.series import Within, build_member, nearest_member
from aucluster.structures.wulff import build_wulff

#: Every option and its type (units: Å unless named; counts are integers).
OPTION_TYPES: dict[str, type] = {
    "n_atoms": int,
    "within": str,
    "shells": int,
    "p": int,
    "q": int,
    "r": int,
    "length": int,
    "cutoff": int,
    "radius": float,
    "grains": int,
    "core_radius": float,
    "core": str,  # a structure file (its last frame)
    "core_motif": str,  # a shell motif, with core_atoms: the member nearest that size
    "core_atoms": int,
    "core_grains": int,  # with core_radius: a polycrystalline core
    "shell_thickness": float,
    "shell_density": float,  # relative to the fcc crystal
    "cloud_inner": float,
    "cloud_outer": float,
    "cloud_density_per_nm3": float,
    "cloud_sizes": str,  # SIZE:WEIGHT,… by number
    "satellites": int,
    "satellite_size": int,
    "gap": float,
    "seed": int,
}
#: Options of every motif, and their defaults.
COMMON: dict[str, Any] = {"element": "Au", "a0": None, "vacuum": DEFAULT_VACUUM}
#: The options of a cloud around a particle.
CLOUD_OPTIONS = ("cloud_inner", "cloud_outer", "cloud_density_per_nm3", "cloud_sizes")

Spell = Callable[[str], str]
_Build = Callable[[dict[str, Any], dict[str, Any], Spell], Atoms]


@dataclass(frozen=True)
class Builder:
    """How one motif is built and which options (besides `COMMON`) apply to it."""

    motif: Motif
    options: frozenset[str]
    build: _Build
    seeded: bool  # whether the structure is random (takes ``seed``)


BUILDERS: dict[Motif, Builder] = {}


def _builder(motif: Motif, *options: str):
    def register(func: _Build) -> _Build:
        BUILDERS[motif] = Builder(motif, frozenset(options), func, "seed" in options)
        return func

    return register


def _need(opts: dict[str, Any], motif: Motif, spell: Spell, *names: str) -> None:
    missing = [n for n in names if opts.get(n) is None]
    if missing:
        raise ParameterError(f"{motif} needs {', '.join(spell(n) for n in missing)}")


def _exactly_one(opts: dict[str, Any], motif: Motif, spell: Spell, *names: str) -> str:
    given = [n for n in names if opts.get(n) is not None]
    if len(given) != 1:
        listed = ", ".join(spell(n) for n in names[:-1]) + f" or {spell(names[-1])}"
        raise ParameterError(f"{motif} needs exactly one of {listed}")
    return given[0]


def _by_size(motif: Motif, opts: dict[str, Any], common: dict[str, Any]) -> Atoms:
    within = opts.get("within") or Within.SERIES
    try:
        within = Within(within)
    except ValueError:
        allowed = ", ".join(str(w) for w in Within)
        raise ParameterError(f"within = {within!r}: allowed are {allowed}") from None
    return build_member(nearest_member(motif, opts["n_atoms"], within=within), **common)


def _shell_motif(name: Any, spell: Spell) -> Motif:
    allowed = [str(m) for m in SHELL_MOTIFS]
    if name not in allowed:
        raise ParameterError(
            f"{spell('core_motif')} {name!r}: a shell motif, one of {', '.join(allowed)}"
        )
    return Motif(name)


def _core(opts: dict[str, Any], motif: Motif, common: dict[str, Any], spell: Spell) -> Atoms:
    kind = _exactly_one(opts, motif, spell, "core_radius", "core", "core_motif")
    if kind != "core_radius" and opts.get("core_grains") is not None:
        raise ParameterError(f"{spell('core_grains')} goes with {spell('core_radius')}")
    if kind == "core":
        from aucluster.store.files import read_frames

        return read_frames(opts["core"])[-1]
    if kind == "core_motif":
        _need(opts, motif, spell, "core_atoms")
        shell = _shell_motif(opts["core_motif"], spell)
        return build_member(nearest_member(shell, opts["core_atoms"]), **common)
    if opts.get("core_atoms") is not None:
        raise ParameterError(f"{spell('core_atoms')} goes with {spell('core_motif')}")
    if opts.get("core_grains") is not None:  # a polycrystalline core, its grains from the seed
        return build_polycrystal(
            opts["core_radius"], opts["core_grains"], seed=opts.get("seed") or 0, **common
        )
    return build_fcc_sphere(opts["core_radius"], **common)


@_builder(Motif.ICOSAHEDRON, "shells", "n_atoms", "within")
def _icosahedron(opts, common, spell):
    if _exactly_one(opts, Motif.ICOSAHEDRON, spell, "shells", "n_atoms") == "n_atoms":
        return _by_size(Motif.ICOSAHEDRON, opts, common)
    return build_icosahedron(opts["shells"], **common)


@_builder(Motif.CUBOCTAHEDRON, "shells", "n_atoms", "within")
def _cuboctahedron(opts, common, spell):
    if _exactly_one(opts, Motif.CUBOCTAHEDRON, spell, "shells", "n_atoms") == "n_atoms":
        return _by_size(Motif.CUBOCTAHEDRON, opts, common)
    return build_cuboctahedron(opts["shells"], **common)


def _decahedron(motif: Motif, opts, common, spell):
    if opts.get("n_atoms") is not None:
        if any(opts.get(k) is not None for k in ("p", "q", "r")):
            raise ParameterError(
                f"{motif}: give {spell('n_atoms')} or {spell('p')}/{spell('q')}/{spell('r')}, "
                "not both"
            )
        return _by_size(motif, opts, common)
    _need(opts, motif, spell, "p", "q")
    r = opts.get("r")
    if motif is Motif.MARKS_DECAHEDRON:
        _need(opts, motif, spell, "r")
        if r < 1:
            raise ParameterError(f"r = {r}: a Marks decahedron has a re-entrance r ≥ 1")
    elif r not in (None, 0):
        raise ParameterError(
            f"r = {r}: an Ino decahedron has no re-entrance (use marks-decahedron)"
        )
    return build_decahedron(opts["p"], opts["q"], r or 0, **common)


@_builder(Motif.INO_DECAHEDRON, "p", "q", "r", "n_atoms", "within")
def _ino(opts, common, spell):
    return _decahedron(Motif.INO_DECAHEDRON, opts, common, spell)


@_builder(Motif.MARKS_DECAHEDRON, "p", "q", "r", "n_atoms", "within")
def _marks(opts, common, spell):
    return _decahedron(Motif.MARKS_DECAHEDRON, opts, common, spell)


@_builder(Motif.OCTAHEDRON, "length", "n_atoms", "within")
def _octahedron(opts, common, spell):
    if _exactly_one(opts, Motif.OCTAHEDRON, spell, "length", "n_atoms") == "n_atoms":
        return _by_size(Motif.OCTAHEDRON, opts, common)
    return build_octahedron(opts["length"], 0, **common)


@_builder(Motif.TRUNCATED_OCTAHEDRON, "length", "cutoff", "n_atoms", "within")
def _truncated_octahedron(opts, common, spell):
    motif = Motif.TRUNCATED_OCTAHEDRON
    if opts.get("n_atoms") is not None:
        if opts.get("length") is not None or opts.get("cutoff") is not None:
            raise ParameterError(
                f"{motif}: give {spell('n_atoms')} or {spell('length')}/{spell('cutoff')}, not both"
            )
        return _by_size(motif, opts, common)
    _need(opts, motif, spell, "length", "cutoff")
    length, cutoff = opts["length"], opts["cutoff"]
    if not (cutoff >= 1 and 2 * cutoff < length - 1):
        raise ParameterError(
            f"cutoff = {cutoff}: a truncated octahedron of length {length} needs "
            f"1 ≤ cutoff < (length − 1)/2 (cutoff 0 is the octahedron, (length − 1)/2 the "
            "cuboctahedron)"
        )
    return build_octahedron(length, cutoff, **common)


@_builder(Motif.DOUBLE_ICOSAHEDRON)
def _double_icosahedron(opts, common, spell):
    return build_double_icosahedron(**common)


@_builder(Motif.WULFF, "n_atoms")
def _wulff(opts, common, spell):
    _need(opts, Motif.WULFF, spell, "n_atoms")
    return build_wulff(opts["n_atoms"], **common)


@_builder(Motif.FCC_SPHERE, "radius")
def _fcc_sphere(opts, common, spell):
    _need(opts, Motif.FCC_SPHERE, spell, "radius")
    return build_fcc_sphere(opts["radius"], **common)


@_builder(Motif.POLYCRYSTAL, "radius", "grains", "seed")
def _polycrystal(opts, common, spell):
    _need(opts, Motif.POLYCRYSTAL, spell, "radius", "grains")
    return build_polycrystal(opts["radius"], opts["grains"], seed=opts["seed"], **common)


@_builder(Motif.CORE_SHELL, "core_radius", "shell_thickness", "shell_density", "seed")
def _core_shell(opts, common, spell):
    _need(opts, Motif.CORE_SHELL, spell, "core_radius", "shell_thickness")
    extra = {"shell_density": opts["shell_density"]} if opts.get("shell_density") else {}
    return build_core_shell(
        opts["core_radius"], opts["shell_thickness"], seed=opts["seed"], **extra, **common
    )


def add_cloud(
    atoms: Atoms, cloud: Mapping[str, Any], *, seed: int, common: Mapping[str, Any], spell: Spell
) -> Atoms:
    """`atoms` with a cloud of monomers and small clusters between ``cloud_inner`` and
    ``cloud_outer`` [Å] at ``cloud_density_per_nm3``, sizes ``cloud_sizes`` (default
    `DEFAULT_CLOUD_SIZES`)."""
    opts = dict(cloud)
    _need(opts, Motif.CORE_CLOUD, spell, "cloud_inner", "cloud_outer", "cloud_density_per_nm3")
    sizes = (
        parse_size_distribution(opts["cloud_sizes"])
        if opts.get("cloud_sizes")
        else DEFAULT_CLOUD_SIZES
    )
    return build_core_cloud(
        atoms,
        inner_radius=opts["cloud_inner"],
        outer_radius=opts["cloud_outer"],
        density_per_nm3=opts["cloud_density_per_nm3"],
        size_distribution=sizes,
        seed=seed,
        a0=common["a0"],
        vacuum=common["vacuum"],
    )


@_builder(
    Motif.CORE_CLOUD,
    "core_radius",
    "core_grains",
    "core",
    "core_motif",
    "core_atoms",
    *CLOUD_OPTIONS,
    "seed",
)
def _core_cloud(opts, common, spell):
    core = _core(opts, Motif.CORE_CLOUD, common, spell)
    cloud = {k: opts.get(k) for k in CLOUD_OPTIONS}
    return add_cloud(core, cloud, seed=opts["seed"], common=common, spell=spell)


@_builder(
    Motif.CORE_SATELLITES,
    "core_radius",
    "core_grains",
    "core",
    "core_motif",
    "core_atoms",
    "satellites",
    "satellite_size",
    "gap",
    "seed",
)
def _core_satellites(opts, common, spell):
    _need(opts, Motif.CORE_SATELLITES, spell, "satellites", "satellite_size")
    core = _core(opts, Motif.CORE_SATELLITES, common, spell)
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


def _plain(key: str) -> str:
    return key


def check_options(motif: Motif, options: Mapping[str, Any], spell: Spell = _plain) -> None:
    """Refuse options (given, not None) that do not apply to `motif`."""
    allowed = BUILDERS[motif].options
    given = {k for k, v in options.items() if v is not None}
    # within and seed carry defaults in the CLI: they count as given only where they apply
    stray = sorted(given - allowed - {"within", "seed"})
    if stray:
        raise ParameterError(f"{', '.join(spell(k) for k in stray)} does not apply to {motif}")


def build_structure(
    motif: Motif | str,
    options: Mapping[str, Any],
    *,
    element: str = COMMON["element"],
    a0: float | None = COMMON["a0"],
    vacuum: float = COMMON["vacuum"],
    spell: Spell = _plain,
) -> Atoms:
    """Build `motif` from its options (None = not given; ``seed`` defaults to 0). `spell`
    names an option in messages the way the caller's user wrote it (``--core-radius``)."""
    try:
        motif = Motif(motif)
    except ValueError:
        allowed = ", ".join(str(m) for m in BUILDERS)
        raise ParameterError(f"motif {motif!r}: allowed are {allowed}") from None
    if motif not in BUILDERS:
        allowed = ", ".join(str(m) for m in BUILDERS)
        raise ParameterError(f"{motif} is not built here: allowed are {allowed}")
    opts = {"seed": 0, **options}
    check_options(motif, opts, spell)
    common = {"element": element, "a0": a0, "vacuum": vacuum}
    return BUILDERS[motif].build(opts, common, spell)


__all__ = [
    "BUILDERS",
    "CLOUD_OPTIONS",
    "COMMON",
    "OPTION_TYPES",
    "Builder",
    "add_cloud",
    "build_structure",
    "check_options",
]
