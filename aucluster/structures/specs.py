"""Starting structures as typed, frozen specifications: the registry a scenario's
``[structure]`` table is parsed with.

Builders (parameters in Å, atoms, or counts as named):

- ``motif``: ``motif`` (a shell motif) and ``n_atoms`` (the nearest magic member);
- ``polycrystal``: ``radius_A``, ``grains``;
- ``core-shell``: ``core_radius_A``, ``shell_thickness_A`` (a glassy shell, EMT-quenched);
- ``core-satellites``: ``core_motif``, ``core_atoms``, ``satellites``, ``satellite_atoms``,
  ``gap_A``.

Any of them may carry a `CloudSpec` (``[structure.cloud]``): ``inner_radius_A``,
``outer_radius_A``, ``density_per_nm3`` and ``sizes`` ("1:0.7,13:0.3", cluster size: weight).
A specification is checked when it is made; `StructureSpec.build(seed)` gives the same atoms
for the same seed.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ase import Atoms

from aucluster.config import check_keys, from_table, nearest
from aucluster.errors import ParameterError
from aucluster.structures.assemblies import (
    build_core_cloud,
    build_core_satellites,
    build_small_cluster,
    parse_size_distribution,
)
from aucluster.structures.motif import SHELL_MOTIFS, Motif
from aucluster.structures.seeds import build_core_shell, build_polycrystal
from aucluster.structures.series import build_member, nearest_member


def _shell_motif(motif: Motif, where: str) -> None:
    if motif not in SHELL_MOTIFS:
        allowed = [str(m) for m in SHELL_MOTIFS]
        raise ParameterError(
            f"{where} = {str(motif)!r}: a shell motif, one of {', '.join(allowed)}"
        )


def _positive(where: str, value: float) -> None:
    if not value > 0:
        raise ParameterError(f"{where} = {value!r}: must be positive")


def _at_least(where: str, value: int, low: int) -> None:
    if value < low:
        raise ParameterError(f"{where} = {value!r}: must be an integer ≥ {low}")


@dataclass(frozen=True, kw_only=True)
class MotifSpec:
    """The magic member of a shell motif nearest `n_atoms`."""

    motif: Motif
    n_atoms: int

    def __post_init__(self) -> None:
        _shell_motif(self.motif, "[structure] motif")
        _at_least("[structure] n_atoms", self.n_atoms, 1)

    def build(self, seed: int) -> Atoms:
        return build_member(nearest_member(self.motif, self.n_atoms))


@dataclass(frozen=True, kw_only=True)
class PolycrystalSpec:
    """A Voronoi polycrystal of `grains` fcc grains in a sphere of `radius_A`."""

    radius_A: float
    grains: int

    def __post_init__(self) -> None:
        _positive("[structure] radius_A", self.radius_A)
        _at_least("[structure] grains", self.grains, 1)

    def build(self, seed: int) -> Atoms:
        return build_polycrystal(self.radius_A, self.grains, seed=seed)


@dataclass(frozen=True, kw_only=True)
class CoreShellSpec:
    """An fcc core of `core_radius_A` in a glassy shell `shell_thickness_A` thick."""

    core_radius_A: float
    shell_thickness_A: float

    def __post_init__(self) -> None:
        _positive("[structure] core_radius_A", self.core_radius_A)
        _positive("[structure] shell_thickness_A", self.shell_thickness_A)

    def build(self, seed: int) -> Atoms:
        return build_core_shell(self.core_radius_A, self.shell_thickness_A, seed=seed)


@dataclass(frozen=True, kw_only=True)
class CoreSatellitesSpec:
    """A shell-motif core with `satellites` small clusters `gap_A` from its surface."""

    core_motif: Motif
    core_atoms: int
    satellites: int
    satellite_atoms: int
    gap_A: float

    def __post_init__(self) -> None:
        _shell_motif(self.core_motif, "[structure] core_motif")
        _at_least("[structure] core_atoms", self.core_atoms, 1)
        _at_least("[structure] satellites", self.satellites, 1)
        _at_least("[structure] satellite_atoms", self.satellite_atoms, 1)
        if not self.gap_A >= 0:
            raise ParameterError(f"[structure] gap_A = {self.gap_A!r}: must be ≥ 0")

    def build(self, seed: int) -> Atoms:
        core = build_member(nearest_member(self.core_motif, self.core_atoms))
        satellite = build_small_cluster(self.satellite_atoms)
        return build_core_satellites(core, satellite, self.satellites, gap=self.gap_A, seed=seed)


@dataclass(frozen=True, kw_only=True)
class CloudSpec:
    """Monomers and small clusters in a shell between the two radii around the particle."""

    inner_radius_A: float
    outer_radius_A: float
    density_per_nm3: float
    sizes: str

    def __post_init__(self) -> None:
        _positive("[structure.cloud] inner_radius_A", self.inner_radius_A)
        if not self.outer_radius_A > self.inner_radius_A:
            raise ParameterError(
                f"[structure.cloud] outer_radius_A = {self.outer_radius_A!r}: must exceed "
                f"inner_radius_A {self.inner_radius_A!r}"
            )
        _positive("[structure.cloud] density_per_nm3", self.density_per_nm3)
        parse_size_distribution(self.sizes)

    def add_to(self, atoms: Atoms, seed: int) -> Atoms:
        return build_core_cloud(
            atoms,
            inner_radius=self.inner_radius_A,
            outer_radius=self.outer_radius_A,
            density_per_nm3=self.density_per_nm3,
            size_distribution=parse_size_distribution(self.sizes),
            seed=seed,
        )


Particle = MotifSpec | PolycrystalSpec | CoreShellSpec | CoreSatellitesSpec

#: The registry: builder name → its specification.
BUILDERS: dict[str, type] = {
    "motif": MotifSpec,
    "polycrystal": PolycrystalSpec,
    "core-shell": CoreShellSpec,
    "core-satellites": CoreSatellitesSpec,
}


@dataclass(frozen=True, kw_only=True)
class StructureSpec:
    """A scenario's starting structure: the particle's builder and parameters, and an
    optional cloud around it (seeded with seed + 1)."""

    builder: str
    particle: Particle
    cloud: CloudSpec | None = None

    def build(self, seed: int) -> Atoms:
        """The starting structure (the same seed, the same atoms)."""
        atoms = self.particle.build(seed)
        if self.cloud is not None:
            atoms = self.cloud.add_to(atoms, seed + 1)
        return atoms


def structure_from_table(data: Mapping[str, Any]) -> StructureSpec:
    """A `StructureSpec` from a ``[structure]`` table (``builder`` and its keys, optionally a
    ``[structure.cloud]`` sub-table); every key is checked."""
    if not isinstance(data, Mapping) or not data:
        raise ParameterError("an md scenario needs a [structure] table")
    data = dict(data)
    builder = data.pop("builder", None)
    if builder not in BUILDERS:
        raise ParameterError(
            f"[structure] builder = {builder!r}: allowed are {', '.join(BUILDERS)}"
            + nearest(str(builder), BUILDERS)
        )
    cloud = data.pop("cloud", None)
    spec_class = BUILDERS[builder]
    check_keys(data, [f.name for f in fields(spec_class)], f"[structure] ({builder})")
    particle = from_table(spec_class, data, "structure")
    return StructureSpec(
        builder=builder,
        particle=particle,
        cloud=None if cloud is None else from_table(CloudSpec, cloud, "structure.cloud"),
    )


__all__ = [
    "BUILDERS",
    "CloudSpec",
    "CoreSatellitesSpec",
    "CoreShellSpec",
    "MotifSpec",
    "PolycrystalSpec",
    "StructureSpec",
    "structure_from_table",
]
