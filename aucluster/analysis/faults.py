"""Planar faults in close-packed particles: twin boundaries and stacking faults.

In fcc stacking (ABC) an atom whose layer lies between two layers of the same kind (ABA) is hcp
by CNA. So a twin boundary (ABCBA) is one layer of hcp atoms, an intrinsic stacking fault
(ABCAB|ABC, a layer removed) two adjacent hcp layers, and an extrinsic fault (ABCAB A CABC, a
layer inserted) two hcp layers with one fcc layer between them.

Method: an hcp atom's close-packed plane holds its six (4,2,2) neighbours (the other six are
(4,2,1), three above and three below), so its plane normal is the least-spread direction of
those six vectors. hcp atoms that are nearest neighbours with parallel normals form a patch;
each patch is counted in layers along its mean normal (a new layer where consecutive heights
differ by more than half the (111) spacing). One layer: twin boundary; two: intrinsic fault;
more: an hcp lamella. Two one-layer patches that are parallel, two (111) spacings apart and
overlapping in the plane form one extrinsic fault.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from ase import Atoms
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from aucluster.analysis.cna import SIGNATURES, CNAResult, Structure

#: Largest angle [deg] between the normals of hcp atoms in one fault plane. Twin planes of a
#: decahedron meet at 72°, those of an icosahedron at ≥ 60°; thermal scatter is a few degrees.
PARALLEL_DEG = 20.0

_S422 = SIGNATURES.index((4, 2, 2))


class FaultKind(StrEnum):
    TWIN = "twin"
    INTRINSIC = "intrinsic"
    EXTRINSIC = "extrinsic"
    HCP_LAMELLA = "hcp-lamella"


@dataclass(frozen=True)
class PlanarFault:
    """One planar fault: its kind, hcp atoms (indices), unit plane normal and centre [Å]."""

    kind: FaultKind
    atoms: np.ndarray
    normal: np.ndarray
    centre: np.ndarray

    @property
    def n_atoms(self) -> int:
        return len(self.atoms)


def hcp_plane_normals(cna: CNAResult) -> np.ndarray:
    """Unit close-packed-plane normal (n_atoms, 3) of each hcp atom; NaN for other atoms."""
    normals = np.full((len(cna.structure), 3), np.nan)
    hcp = np.flatnonzero(cna.structure == Structure.HCP)
    if len(hcp) == 0:
        return normals
    in_plane = cna.pair_signature[hcp] == _S422  # exactly six per hcp atom
    vec = np.where(in_plane[..., None], cna.vectors[hcp], 0.0)
    scatter = np.einsum("mki,mkj->mij", vec, vec)
    _, eigvec = np.linalg.eigh(scatter)
    normals[hcp] = eigvec[:, :, 0]  # smallest eigenvalue: out of the plane
    return normals


def planar_faults(atoms: Atoms, cna: CNAResult) -> list[PlanarFault]:
    """Twin boundaries and stacking faults of an isolated particle, largest first.

    `cna` is the adaptive CNA of `atoms`. Heights along a normal are taken from the raw
    positions, so a fault must not cross a periodic boundary.
    """
    atoms_positions = atoms.positions
    normals = hcp_plane_normals(cna)
    hcp = cna.structure == Structure.HCP
    n = len(hcp)
    rows = np.flatnonzero(hcp)
    if len(rows) == 0:
        return []
    i = np.repeat(rows, 12)
    j = cna.neighbours[rows].ravel()
    ok = (j >= 0) & hcp[np.maximum(j, 0)]
    i, j = i[ok], j[ok]
    cos_limit = np.cos(np.radians(PARALLEL_DEG))
    parallel = np.abs(np.sum(normals[i] * normals[j], axis=1)) > cos_limit
    graph = coo_matrix((np.ones(int(parallel.sum())), (i[parallel], j[parallel])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    spacing = float(np.median(cna.nn_distance[rows])) * np.sqrt(2.0 / 3.0)  # (111) spacing

    patches = []
    for c in np.unique(comp[rows]):
        members = rows[comp[rows] == c]
        normal = _mean_axis(normals[members])
        heights = np.sort(atoms_positions[members] @ normal)
        n_layers = 1 + int((np.diff(heights) > 0.5 * spacing).sum())
        patches.append((members, normal, n_layers))

    faults: list[PlanarFault] = []
    singles = [p for p in patches if p[2] == 1]
    paired: set[int] = set()
    for a in range(len(singles)):
        for b in range(a + 1, len(singles)):
            if a in paired or b in paired:
                continue
            if _extrinsic_pair(atoms_positions, singles[a], singles[b], spacing, cos_limit):
                members = np.concatenate([singles[a][0], singles[b][0]])
                faults.append(_fault(FaultKind.EXTRINSIC, members, singles[a][1], atoms_positions))
                paired.update((a, b))
    for k, (members, normal, _) in enumerate(singles):
        if k not in paired:
            faults.append(_fault(FaultKind.TWIN, members, normal, atoms_positions))
    for members, normal, n_layers in patches:
        if n_layers == 2:
            faults.append(_fault(FaultKind.INTRINSIC, members, normal, atoms_positions))
        elif n_layers > 2:
            faults.append(_fault(FaultKind.HCP_LAMELLA, members, normal, atoms_positions))
    faults.sort(key=lambda f: -f.n_atoms)
    return faults


def _mean_axis(vectors: np.ndarray) -> np.ndarray:
    """Principal axis of sign-free unit vectors (m, 3)."""
    _, eigvec = np.linalg.eigh(vectors.T @ vectors)
    axis = eigvec[:, -1]
    return axis if axis[np.argmax(np.abs(axis))] > 0 else -axis


def _extrinsic_pair(pos, first, second, spacing: float, cos_limit: float) -> bool:
    (m1, n1, _), (m2, n2, _) = first, second
    if abs(float(n1 @ n2)) <= cos_limit:
        return False
    gap = abs(float(pos[m1].mean(axis=0) @ n1 - pos[m2].mean(axis=0) @ n1))
    if abs(gap - 2.0 * spacing) > 0.5 * spacing:
        return False
    # Overlapping in the plane: some atom of one lies within 2.5 spacings of the other.
    dist, _ = cKDTree(pos[m2]).query(pos[m1], k=1)
    return bool(dist.min() < 2.5 * spacing)


def _fault(
    kind: FaultKind, members: np.ndarray, normal: np.ndarray, pos: np.ndarray
) -> PlanarFault:
    return PlanarFault(kind, np.sort(members), normal, pos[members].mean(axis=0))
