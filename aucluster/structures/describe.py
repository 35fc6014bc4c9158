"""A short description of a built cluster: what `aucluster info` and the series table print."""

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from scipy.spatial import cKDTree

from aucluster.structures.geometry import (
    BULK_COORDINATION,
    FIRST_SHELL_CUTOFF,
    coordination_numbers,
    diameter,
    radius_of_gyration,
)
from aucluster.structures.symmetry import point_group


@dataclass(frozen=True, kw_only=True)
class ClusterDescription:
    """Size and shape of one cluster. Lengths in Å."""

    n_atoms: int
    formula: str
    motif: str
    point_group: str
    radius_of_gyration: float
    diameter: float
    n_surface_atoms: int

    @property
    def surface_fraction(self) -> float:
        """Share of atoms with fewer than 12 nearest neighbours (the dispersion)."""
        return self.n_surface_atoms / self.n_atoms if self.n_atoms else 0.0


def describe(atoms: Atoms, *, nn_distance: float | None = None) -> ClusterDescription:
    """Describe `atoms`: count, formula, motif (from ``info``), point group, radius of
    gyration, Feret diameter and number of surface atoms.

    Surface atoms have fewer than 12 neighbours within 1.207·d, halfway between the first and
    second fcc shells; d is `nn_distance` [Å] or, by default, the median over atoms of the
    distance to their nearest neighbour.
    """
    n = len(atoms)
    if nn_distance is None and n > 1:
        nn_distance = float(
            np.median(cKDTree(atoms.positions).query(atoms.positions, k=2)[0][:, 1])
        )
    surface = 0
    if n > 1 and nn_distance:
        cn = coordination_numbers(atoms, FIRST_SHELL_CUTOFF * nn_distance)
        surface = int((cn < BULK_COORDINATION).sum())
    elif n == 1:
        surface = 1
    return ClusterDescription(
        n_atoms=n,
        formula=atoms.get_chemical_formula(),
        motif=str(atoms.info.get("motif", "unknown")),
        point_group=point_group(atoms) if n else "",
        radius_of_gyration=radius_of_gyration(atoms),
        diameter=diameter(atoms),
        n_surface_atoms=surface,
    )
