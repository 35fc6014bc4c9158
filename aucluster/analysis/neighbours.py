"""Nearest-neighbour vectors for isolated clusters and periodic cells alike.

Isolated clusters (pbc False) are searched directly. For periodic directions, atoms within a
margin of a face are copied as ghost images, and the margin doubles until every requested
neighbour lies inside it, so the answer is the same as searching the infinite crystal.
"""

import itertools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from ase import Atoms
from scipy.spatial import cKDTree

from aucluster.errors import ParameterError

#: First ghost margin [Å]; it doubles until the k-th neighbour of every atom lies inside it.
_FIRST_MARGIN = 6.0

T = TypeVar("T", bound=tuple[Any, ...])


def nearest_neighbours(atoms: Atoms, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The `k` nearest neighbours of every atom, nearest first.

    Returns
    -------
    index : ndarray, shape (n_atoms, k), int
        Neighbour atom index (of the original atoms, also for periodic images); −1 where the
        structure has fewer than k other atoms.
    vector : ndarray, shape (n_atoms, k, 3)
        Vector from the atom to the neighbour (image) [Å]; NaN where index is −1.
    distance : ndarray, shape (n_atoms, k)
        Length of `vector` [Å]; inf where index is −1.
    """
    return search_with_images(atoms, lambda c, p, o: _query(c, p, o, k))


def search_with_images(
    atoms: Atoms, search: Callable[[np.ndarray, np.ndarray, np.ndarray], T]
) -> T:
    """Run `search(centres, points, owner)` — centres the (wrapped) atom positions, points the
    centres followed by periodic images, owner the atom each point copies — with a ghost
    margin wide enough: `search` returns a tuple whose third item is the (n_atoms, k) array
    of neighbour distances, and the margin doubles until all finite ones lie inside it."""
    if not atoms.pbc.any():
        pos = atoms.positions
        return search(pos, pos, np.arange(len(atoms)))
    if abs(np.linalg.det(atoms.cell.array)) < 1e-12:
        raise ParameterError("periodic structure with a zero cell: set the cell or pbc False")
    margin = _FIRST_MARGIN
    while True:
        result = search(*_with_images(atoms, margin))
        distance = result[2]
        finite = distance[np.isfinite(distance)]
        if finite.size == 0 or finite.max() < margin:
            return result
        margin *= 2.0


def _query(
    centres: np.ndarray, points: np.ndarray, owner: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(centres)
    index = np.full((n, k), -1, dtype=int)
    vector = np.full((n, k, 3), np.nan)
    distance = np.full((n, k), np.inf)
    if n == 0 or len(points) < 2:
        return index, vector, distance
    kq = min(k + 1, len(points))
    dist, idx = cKDTree(points).query(centres, k=kq)
    dist, idx = dist[:, 1:], idx[:, 1:]  # the nearest point is the atom itself
    m = dist.shape[1]
    valid = np.isfinite(dist)
    safe = np.where(valid, idx, 0)
    index[:, :m] = np.where(valid, owner[safe], -1)
    vector[:, :m] = np.where(valid[..., None], points[safe] - centres[:, None, :], np.nan)
    distance[:, :m] = dist
    return index, vector, distance


def _with_images(atoms: Atoms, margin: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wrapped positions, and those plus the periodic images within `margin` [Å] outside
    the cell (the unshifted copy first) with the index of the atom each point copies."""
    cell = atoms.cell.array
    pbc = atoms.pbc
    frac = atoms.cell.scaled_positions(atoms.positions)
    frac[:, pbc] %= 1.0
    pos = frac @ cell
    # Distance between opposite faces: 1/|row of the inverse cell|.
    heights = 1.0 / np.linalg.norm(np.linalg.inv(cell).T, axis=1)
    reach = np.where(pbc, np.ceil(margin / heights).astype(int), 0)
    width = margin / heights
    base = np.arange(len(atoms))
    points, owner = [pos], [base]
    for shift in itertools.product(*[range(-r, r + 1) for r in reach]):
        if not any(shift):
            continue  # the unshifted copy is already first
        shifted = frac + np.asarray(shift, dtype=float)
        inside = (shifted > -width) & (shifted < 1.0 + width)
        keep = np.all(inside[:, pbc], axis=1)
        points.append(shifted[keep] @ cell)
        owner.append(base[keep])
    return pos, np.concatenate(points), np.concatenate(owner)
