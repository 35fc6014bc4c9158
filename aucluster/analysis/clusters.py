"""Connected clusters: atoms closer than a bond cutoff belong together.

The particle is the largest connected cluster; everything else is the cloud (monomers and
small clusters). The default cutoff, 3.7 Å for Au, lies between the first (2.88 Å) and
second (4.08 Å) neighbour shells, so hot but bonded atoms stay connected.
"""

import numpy as np
from ase import Atoms
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

#: Bond cutoff [Å] for Au: between the first and second fcc neighbour shells.
DEFAULT_BOND_CUTOFF = 3.7


def cluster_labels(atoms: Atoms, cutoff: float = DEFAULT_BOND_CUTOFF) -> np.ndarray:
    """Label (n_atoms,) of each atom's connected cluster, 0 for the largest, then by size."""
    n = len(atoms)
    if n == 0:
        return np.empty(0, dtype=int)
    return labels_from_pairs(n, bonded_pairs(atoms.positions, cutoff))


def bonded_pairs(positions: np.ndarray, cutoff: float) -> np.ndarray:
    """Pairs (m, 2), i < j, of atoms closer than `cutoff` [Å]."""
    return cKDTree(positions).query_pairs(cutoff, output_type="ndarray")


def labels_from_pairs(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected-cluster labels of `n` atoms bonded by `pairs`, 0 for the largest."""
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    order = np.argsort(-sizes, kind="stable")  # largest first, ties by first label
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[labels]


def detached_atoms(atoms: Atoms, cutoff: float = DEFAULT_BOND_CUTOFF) -> int:
    """Number of atoms outside the largest connected cluster (the cloud)."""
    return int((cluster_labels(atoms, cutoff) != 0).sum())
