"""Geometry of isolated clusters: the vacuum box, size measures and close contacts.

asap3 refuses atoms with a zero cell, so every builder returns its cluster centred in a cubic
box with `vacuum` Å of empty space on each side and pbc False (DESIGN, conventions).
"""

from contextlib import suppress

import numpy as np
from ase import Atoms
from scipy.spatial import ConvexHull, QhullError, cKDTree
from scipy.spatial.distance import pdist

from aucluster.errors import ParameterError
from aucluster.limits import check_box

#: Default empty space [Å] between the cluster and each face of its box.
DEFAULT_VACUUM = 10.0

#: Neighbour cutoff as a multiple of the nearest-neighbour distance d: halfway between the
#: first (d) and second (√2·d) fcc neighbour shells, (1 + √2)/2 ≈ 1.207.
FIRST_SHELL_CUTOFF = (1.0 + np.sqrt(2.0)) / 2.0

#: Coordination of an atom in the bulk of an fcc (or icosahedral) close-packed structure.
BULK_COORDINATION = 12


def in_vacuum_box(atoms: Atoms, vacuum: float = DEFAULT_VACUUM) -> Atoms:
    """Copy of `atoms` centred in a cubic box with `vacuum` [Å] on every side, pbc False.

    The box is cubic (edge = largest extent + 2·vacuum) so that a rotated cluster still fits.
    """
    if not vacuum > 0:
        raise ParameterError(f"vacuum {vacuum!r} Å: must be positive (asap3 needs a non-zero box)")
    check_box(2.0 * vacuum, f"vacuum {vacuum:g} Å")
    out = atoms.copy()
    out.pbc = False
    if len(out) == 0:
        out.cell = np.eye(3) * 2 * vacuum
        return out
    pos = out.positions
    extent = float((pos.max(axis=0) - pos.min(axis=0)).max())
    edge = extent + 2.0 * vacuum
    out.cell = np.eye(3) * edge
    centre = 0.5 * (pos.max(axis=0) + pos.min(axis=0))
    out.positions = pos - centre + 0.5 * edge
    return out


def place_apart(
    positions: np.ndarray,
    n_add: int,
    draw,
    *,
    min_separation_A: float,
    box: np.ndarray | None = None,
    attempts_per_atom: int = 1000,
    failure: str,
) -> np.ndarray:
    """`n_add` new positions (n_add, 3), each from `draw()` (a candidate position) and kept
    only if at least `min_separation_A` from every existing and earlier kept position
    (minimum images in a periodic orthorhombic `box` of these edge lengths). Refused with
    `failure` as the message once `attempts_per_atom` × `n_add` candidates have been drawn."""
    placed = [np.asarray(p, dtype=float) for p in positions]
    added: list[np.ndarray] = []
    attempts = 0
    while len(added) < n_add:
        attempts += 1
        if attempts > attempts_per_atom * n_add:
            raise ParameterError(failure)
        p = np.asarray(draw(), dtype=float)
        if placed:
            d = np.asarray(placed) - p
            if box is not None:
                d = d - box * np.round(d / box)
            if np.sqrt((d**2).sum(axis=1)).min() < min_separation_A:
                continue
        placed.append(p)
        added.append(p)
    return np.asarray(added, dtype=float).reshape(-1, 3)


def lacks_box(atoms: Atoms) -> bool:
    """True for a non-periodic structure with a zero (or degenerate) cell, which asap3
    refuses: it needs `in_vacuum_box` first."""
    return not atoms.pbc.any() and abs(np.linalg.det(atoms.cell.array)) < 1e-12


def radius_of_gyration(atoms: Atoms) -> float:
    """Unweighted radius of gyration sqrt(<|r − r̄|²>) [Å] of the atom positions."""
    pos = atoms.positions
    if len(pos) == 0:
        return 0.0
    return float(np.sqrt(((pos - pos.mean(axis=0)) ** 2).sum(axis=1).mean()))


def diameter(atoms: Atoms) -> float:
    """Largest distance between two atom centres (Feret diameter) [Å].

    The farthest pair lies on the convex hull, so only hull vertices are compared.
    """
    pos = atoms.positions
    if len(pos) < 2:
        return 0.0
    if len(pos) > 4:
        with suppress(QhullError):  # flat or collinear set: compare all pairs instead
            pos = pos[ConvexHull(pos).vertices]
    return float(pdist(pos).max())


def minimum_distance(atoms: Atoms) -> float:
    """Smallest distance between two atom centres [Å] (inf for fewer than two atoms)."""
    if len(atoms) < 2:
        return float("inf")
    dist, _ = cKDTree(atoms.positions).query(atoms.positions, k=2)
    return float(dist[:, 1].min())


def coordination_numbers(atoms: Atoms, cutoff: float) -> np.ndarray:
    """Number of neighbours within `cutoff` [Å] of each atom, shape (n_atoms,)."""
    tree = cKDTree(atoms.positions)
    counts = tree.query_ball_point(atoms.positions, r=cutoff, return_length=True)
    return np.asarray(counts, dtype=int) - 1
