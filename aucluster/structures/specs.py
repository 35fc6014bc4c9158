"""A scenario's starting structure as a typed, frozen specification over the one builder
registry (`aucluster.structures.registry`): ``[structure]`` names a ``builder`` (any motif
`aucluster build` makes) and its options, with the same names as the CLI's (``core_radius``
for ``--core-radius``); an optional ``[structure.cloud]`` table of ``cloud_*`` options puts a
cloud of monomers and small clusters around the particle.

Seeds: the particle is built with the scenario's seed, its cloud with seed + 1.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ase import Atoms

from aucluster.config import check_keys, convert, nearest
from aucluster.errors import ParameterError
from aucluster.structures.motif import Motif
from aucluster.structures.registry import (
    BUILDERS,
    CLOUD_OPTIONS,
    COMMON,
    OPTION_TYPES,
    add_cloud,
    build_structure,
)

_COMMON_TYPES: dict[str, Any] = {"element": str, "a0": float | None, "vacuum": float}


def _spell(key: str) -> str:
    return f"[structure] {key}"


@dataclass(frozen=True, kw_only=True)
class StructureSpec:
    """The builder, its options and the cloud's (``(name, value)`` pairs, as given)."""

    builder: Motif
    options: tuple[tuple[str, Any], ...]
    cloud: tuple[tuple[str, Any], ...] | None = None

    def build(self, seed: int) -> Atoms:
        """The starting structure (the same seed, the same atoms)."""
        given = dict(self.options)
        common = {k: given.pop(k, v) for k, v in COMMON.items()}
        atoms = build_structure(self.builder, {**given, "seed": seed}, **common, spell=_spell)
        if self.cloud is not None:
            atoms = add_cloud(atoms, dict(self.cloud), seed=seed + 1, common=common, spell=_spell)
        return atoms


def _typed(data: Mapping[str, Any], table: str, types: Mapping[str, Any]) -> tuple:
    return tuple((k, convert(v, types[k], table, k)) for k, v in data.items())


def structure_from_table(data: Mapping[str, Any]) -> StructureSpec:
    """A `StructureSpec` from a ``[structure]`` table: every key and type is checked (the
    builder's rules — a missing or exclusive option, a range — when it builds)."""
    if not isinstance(data, Mapping) or not data:
        raise ParameterError("an md scenario needs a [structure] table")
    data = dict(data)
    builder = data.pop("builder", None)
    names = [str(m) for m in BUILDERS]
    if builder not in names:
        raise ParameterError(
            f"[structure] builder = {builder!r}: allowed are {', '.join(names)}"
            + nearest(str(builder), names)
        )
    motif = Motif(builder)
    cloud = data.pop("cloud", None)
    allowed = sorted(BUILDERS[motif].options - {"seed"}) + list(COMMON)
    check_keys(data, [*allowed, "cloud"], f"[structure] (builder {builder})")
    types = {**OPTION_TYPES, **_COMMON_TYPES}
    spec_cloud = None
    if cloud is not None:
        if not isinstance(cloud, Mapping):
            raise ParameterError(f"[structure.cloud] must be a table, not {cloud!r}")
        check_keys(cloud, CLOUD_OPTIONS, "[structure.cloud]")
        spec_cloud = _typed(cloud, "structure.cloud", types)
    return StructureSpec(builder=motif, options=_typed(data, "structure", types), cloud=spec_cloud)


__all__ = ["StructureSpec", "structure_from_table"]
