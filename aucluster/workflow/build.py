"""The starting structure of a scenario from its ``[structure]`` table.

Builders (parameters in Å, atoms, or counts as named):

- ``motif``: ``motif`` (a shell motif) and ``n_atoms`` (the nearest magic member);
- ``polycrystal``: ``radius_A``, ``grains``;
- ``core-shell``: ``core_radius_A``, ``shell_thickness_A`` (a glassy shell, EMT-quenched);
- ``core-satellites``: ``core_motif``, ``core_atoms``, ``satellites``, ``satellite_atoms``,
  ``gap_A``.

Any of them may carry ``[structure.cloud]``: ``inner_radius_A``, ``outer_radius_A``,
``density_per_nm3`` and ``sizes`` ("1:0.7,13:0.3", cluster size: weight).
"""

from typing import Any

from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.structures import (
    build_core_cloud,
    build_core_satellites,
    build_core_shell,
    build_member,
    build_polycrystal,
    build_small_cluster,
    nearest_member,
    parse_size_distribution,
)

BUILDER_KEYS = {
    "motif": {"motif", "n_atoms"},
    "polycrystal": {"radius_A", "grains"},
    "core-shell": {"core_radius_A", "shell_thickness_A"},
    "core-satellites": {"core_motif", "core_atoms", "satellites", "satellite_atoms", "gap_A"},
}
CLOUD_KEYS = {"inner_radius_A", "outer_radius_A", "density_per_nm3", "sizes"}


def check_structure(spec: dict[str, Any]) -> None:
    builder = spec.get("builder")
    if builder not in BUILDER_KEYS:
        raise ParameterError(
            f"[structure] builder = {builder!r}: allowed are {', '.join(BUILDER_KEYS)}"
        )
    given = set(spec) - {"builder", "cloud"}
    missing = sorted(BUILDER_KEYS[builder] - given)
    unknown = sorted(given - BUILDER_KEYS[builder])
    if missing or unknown:
        raise ParameterError(
            f"[structure] builder {builder!r} takes {', '.join(sorted(BUILDER_KEYS[builder]))}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
        )
    cloud = spec.get("cloud")
    if cloud is not None:
        if set(cloud) != CLOUD_KEYS:
            raise ParameterError(f"[structure.cloud] takes exactly {', '.join(sorted(CLOUD_KEYS))}")
        parse_size_distribution(str(cloud["sizes"]))


def build_structure(spec: dict[str, Any], *, seed: int) -> Atoms:
    """The scenario's starting structure (checked first; the same seed, the same atoms)."""
    check_structure(spec)
    builder = spec["builder"]
    if builder == "motif":
        atoms = build_member(nearest_member(spec["motif"], int(spec["n_atoms"])))
    elif builder == "polycrystal":
        atoms = build_polycrystal(float(spec["radius_A"]), int(spec["grains"]), seed=seed)
    elif builder == "core-shell":
        atoms = build_core_shell(
            float(spec["core_radius_A"]), float(spec["shell_thickness_A"]), seed=seed
        )
    else:
        core = build_member(nearest_member(spec["core_motif"], int(spec["core_atoms"])))
        satellite = build_small_cluster(int(spec["satellite_atoms"]))
        atoms = build_core_satellites(
            core, satellite, int(spec["satellites"]), gap=float(spec["gap_A"]), seed=seed
        )
    cloud = spec.get("cloud")
    if cloud is not None:
        atoms = build_core_cloud(
            atoms,
            inner_radius=float(cloud["inner_radius_A"]),
            outer_radius=float(cloud["outer_radius_A"]),
            density_per_nm3=float(cloud["density_per_nm3"]),
            size_distribution=parse_size_distribution(str(cloud["sizes"])),
            seed=seed + 1,
        )
    return atoms
