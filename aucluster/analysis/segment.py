"""Particle, cloud, and inside the particle: crystalline core, disordered shell, surface.

Rules (each a documented choice; `Region` codes per atom):

- **particle**: the largest connected cluster (bond cutoff, default 3.7 Å for Au); **cloud**:
  every other atom, with its cluster sizes and monomers (clusters of one atom).
- **surface**: particle atoms with at most `SURFACE_MAX_COORDINATION` particle neighbours
  within the bond cutoff. In fcc a (111) facet atom has 9, (100) 8, edges 7, vertices 6, and
  an interior atom 12.
- **core**: the ordered particle atoms (adaptive CNA ≠ other, or on a five-fold axis), plus
  the other non-surface atoms of which at least half of the non-surface bonded neighbours are
  ordered (atoms under a rough surface, thin grain boundaries, neighbours of vacancies), kept
  as the largest connected piece (one core per particle). A disordered shell atom touching
  the core has mostly disordered non-surface neighbours and stays shell.
- **shell**: the remaining particle atoms, neither core nor surface: the disordered shell.

Radii are equivalent-sphere radii R = √(5/3)·R_g (exact for a uniform ball). The shell
thickness R_particle − R_core therefore includes the outermost atomic layer (~2.4 Å for a bare
Au crystal), since surface atoms are not core.
"""

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from aucluster.analysis.clusters import DEFAULT_BOND_CUTOFF, cluster_labels
from aucluster.analysis.cna import CNAResult
from aucluster.structures.geometry import radius_of_gyration
from aucluster.structures.motif import Region

#: Surface atoms have at most this many bonded particle neighbours (see the module rules).
SURFACE_MAX_COORDINATION = 9

_SPHERE = np.sqrt(5.0 / 3.0)


@dataclass(frozen=True)
class Segmentation:
    """Where each atom is, and the sizes that follow.

    Attributes
    ----------
    region : ndarray, shape (n_atoms,), int
        `Region` code per atom: CORE, SHELL, SURFACE (particle) or CLOUD.
    cluster : ndarray, shape (n_atoms,), int
        Connected-cluster label, 0 = the particle, then by decreasing size.
    cloud_cluster_sizes : ndarray, int
        Sizes of the cloud's clusters, largest first (monomers included as 1).
    core_radius, particle_radius : float
        Equivalent-sphere radii [Å] (0 when empty).
    """

    region: np.ndarray
    cluster: np.ndarray
    cloud_cluster_sizes: np.ndarray
    core_radius: float
    particle_radius: float

    @property
    def particle(self) -> np.ndarray:
        return self.cluster == 0

    @property
    def n_monomers(self) -> int:
        return int((self.cloud_cluster_sizes == 1).sum())

    @property
    def shell_thickness(self) -> float:
        """R_particle − R_core [Å], outermost layer included (module rules)."""
        return self.particle_radius - self.core_radius if self.core_radius > 0 else 0.0

    def count(self, region: Region) -> int:
        return int((self.region == region).sum())


def segment(atoms: Atoms, cna: CNAResult, *, cutoff: float = DEFAULT_BOND_CUTOFF) -> Segmentation:
    """Particle, cloud, core, shell and surface of `atoms` by the module's rules."""
    n = len(atoms)
    cluster = cluster_labels(atoms, cutoff)
    particle = cluster == 0
    region = np.full(n, int(Region.CLOUD))
    pairs = cKDTree(atoms.positions).query_pairs(cutoff, output_type="ndarray")
    if len(pairs):
        pairs = pairs[particle[pairs[:, 0]] & particle[pairs[:, 1]]]
    i = np.concatenate([pairs[:, 0], pairs[:, 1]]) if len(pairs) else np.empty(0, dtype=int)
    j = np.concatenate([pairs[:, 1], pairs[:, 0]]) if len(pairs) else np.empty(0, dtype=int)
    coordination = np.bincount(i, minlength=n)
    surface = particle & (coordination <= SURFACE_MAX_COORDINATION)

    ordered = particle & (cna.crystalline | cna.five_fold)
    inner = particle & ~surface
    inner_neighbours = np.bincount(i, weights=inner[j], minlength=n)
    ordered_neighbours = np.bincount(i, weights=(ordered & inner)[j], minlength=n)
    enclosed = inner & ~ordered & (2 * ordered_neighbours >= inner_neighbours)
    core = _largest_piece(n, i, j, ordered | enclosed)

    region[particle] = int(Region.SHELL)
    region[surface] = int(Region.SURFACE)
    region[core] = int(Region.CORE)
    sizes = np.bincount(cluster)[1:] if n else np.empty(0, dtype=int)
    return Segmentation(
        region=region,
        cluster=cluster,
        cloud_cluster_sizes=np.sort(sizes)[::-1],
        core_radius=_SPHERE * radius_of_gyration(atoms[core]),
        particle_radius=_SPHERE * radius_of_gyration(atoms[particle]),
    )


def _largest_piece(n: int, i: np.ndarray, j: np.ndarray, member: np.ndarray) -> np.ndarray:
    if not member.any():
        return member
    keep = member[i] & member[j]
    graph = coo_matrix((np.ones(int(keep.sum())), (i[keep], j[keep])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    counts = np.bincount(comp[member])
    return member & (comp == np.argmax(counts))
