"""Grains of a (nano)crystal: connected fcc atoms of nearly the same lattice orientation.

Rules (documented here because they decide the counts):

1. Grain atoms are adaptive-CNA fcc atoms with a PTM orientation.
2. Two grain atoms that are among each other's 12 nearest neighbours join when their cubic
   misorientation is below `max_misorientation_deg`. hcp atoms never join, so a twin plane (one
   hcp layer) separates the two twins and a decahedron falls into its five segments.
3. Two pieces that touch the same connected patch of hcp atoms and have the same mean
   orientation (within the threshold) are one grain: a stacking fault (one or two hcp layers)
   shifts the lattice but does not rotate it, while a twin rotates it by 60°.
4. Pieces with fewer than `min_size` atoms are not grains (labelled 0): thermal noise leaves
   scattered fcc atoms in disordered regions. OVITO's grain segmentation uses 100 by default,
   which is larger than the segments of a small decahedron; 10 keeps those.

Grain labels are 1, 2, ... by decreasing size; 0 means "in no grain".
"""

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from aucluster.analysis.cna import CNAResult, Structure
from aucluster.analysis.orientation import cubic_misorientation, mean_orientation
from aucluster.errors import ParameterError

#: Largest misorientation [deg] between bonded atoms of one grain. PTM orientations of
#: bonded fcc atoms scatter by a few degrees at 600 K; twins differ by 60°, decahedron
#: segments by ~70.5°, so anything between ~10 and ~20 gives the same grains.
DEFAULT_MAX_MISORIENTATION_DEG = 12.0

#: Smallest grain [atoms] (rule 4).
DEFAULT_MIN_GRAIN_SIZE = 10


@dataclass(frozen=True)
class Grains:
    """Grain segmentation of one structure.

    Attributes
    ----------
    grain : ndarray, shape (n_atoms,), int
        Grain label per atom, 1 = largest; 0 = in no grain.
    sizes : ndarray, shape (n_grains,), int
        Atoms per grain, largest first.
    orientations : ndarray, shape (n_grains, 4)
        Mean orientation of each grain, quaternion (x, y, z, w).
    largest_share : float
        Atoms of the largest grain over all crystalline (CNA ≠ other) atoms; 0 without grains.
        Steadier over time than the grain count.
    """

    grain: np.ndarray
    sizes: np.ndarray
    orientations: np.ndarray
    largest_share: float

    @property
    def n_grains(self) -> int:
        return len(self.sizes)


def check_grain_parameters(max_misorientation_deg: float, min_size: int) -> None:
    if not 0 < max_misorientation_deg < 60:  # twins are 60° apart: a larger value merges them
        raise ParameterError(
            f"max_misorientation_deg = {max_misorientation_deg!r}: must lie in (0, 60) degrees"
        )
    if int(min_size) != min_size or min_size < 1:
        raise ParameterError(f"min_size = {min_size!r}: must be an integer ≥ 1")


def segment_grains(
    cna: CNAResult,
    orientations: np.ndarray,
    *,
    max_misorientation_deg: float = DEFAULT_MAX_MISORIENTATION_DEG,
    min_size: int = DEFAULT_MIN_GRAIN_SIZE,
) -> Grains:
    """Grains from adaptive-CNA labels and PTM orientations (n_atoms, 4), by the module's rules."""
    check_grain_parameters(max_misorientation_deg, min_size)
    n = len(cna.structure)
    member = (cna.structure == Structure.FCC) & np.isfinite(orientations).all(axis=1)
    i, j = _neighbour_pairs(cna, member, member)
    close = cubic_misorientation(orientations[i], orientations[j]) < max_misorientation_deg
    piece = _components(n, i[close], j[close], member)
    piece = _merge_across_stacking_faults(cna, piece, orientations, max_misorientation_deg)

    labels = np.zeros(n, dtype=int)
    found = piece >= 0
    ids, counts = np.unique(piece[found], return_counts=True)
    keep = counts >= min_size
    ids, counts = ids[keep], counts[keep]
    order = np.argsort(-counts, kind="stable")
    new_label = np.zeros(piece.max() + 2 if found.any() else 1, dtype=int)
    new_label[ids[order]] = np.arange(1, len(ids) + 1)
    labels[found] = new_label[piece[found]]
    sizes = counts[order]
    means = np.array([mean_orientation(orientations[labels == g]) for g in range(1, len(ids) + 1)])
    n_crystalline = int(cna.crystalline.sum())
    share = float(sizes[0] / n_crystalline) if len(sizes) and n_crystalline else 0.0
    return Grains(labels, sizes, means.reshape(-1, 4), share)


def _neighbour_pairs(
    cna: CNAResult, first: np.ndarray, second: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with j among the 12 nearest neighbours of i, `first[i]` and `second[j]`."""
    rows = np.flatnonzero(first)
    nbr = cna.neighbours[rows]
    ok = nbr >= 0
    i = np.repeat(rows, 12)[ok.ravel()]
    j = nbr[ok]
    keep = second[j]
    return i[keep], j[keep]


def _components(n: int, i: np.ndarray, j: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Connected-component id per member atom, −1 for non-members."""
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    return np.where(member, comp, -1)


def _merge_across_stacking_faults(
    cna: CNAResult, piece: np.ndarray, orientations: np.ndarray, max_deg: float
) -> np.ndarray:
    """Rule 3: join pieces that touch one hcp patch and have the same mean orientation."""
    hcp = cna.structure == Structure.HCP
    i, j = _neighbour_pairs(cna, hcp, piece >= 0)
    if len(i) == 0:
        return piece
    hi, hj = _neighbour_pairs(cna, hcp, hcp)
    patch = _components(len(piece), hi, hj, hcp)
    # Pairs of distinct pieces seen from the same hcp patch (rows sorted by patch).
    seen = np.unique(np.stack([patch[i], piece[j]], axis=1), axis=0)
    groups = np.split(seen[:, 1], np.flatnonzero(np.diff(seen[:, 0])) + 1)
    touching = {
        (int(a), int(b)) for g in groups if len(g) > 1 for a, b in itertools.combinations(g, 2)
    }
    if not touching:
        return piece
    means = {p: mean_orientation(orientations[piece == p]) for pair in touching for p in pair}
    a = np.array([p for p, _ in touching])
    b = np.array([q for _, q in touching])
    same = (
        cubic_misorientation(np.array([means[p] for p in a]), np.array([means[q] for q in b]))
        < max_deg
    )
    if not same.any():
        return piece
    ids = np.unique(piece[piece >= 0])
    index = {p: k for k, p in enumerate(ids)}
    graph = coo_matrix(
        (np.ones(int(same.sum())), ([index[p] for p in a[same]], [index[q] for q in b[same]])),
        shape=(len(ids), len(ids)),
    )
    _, merged = connected_components(graph, directed=False)
    lookup = dict(zip(ids.tolist(), merged.tolist(), strict=True))
    return np.array([lookup[p] if p >= 0 else -1 for p in piece.tolist()])
