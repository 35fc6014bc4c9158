"""One motif label per particle, by documented rules on CNA, grains and faults.

Rules, applied in order to the particle (its surface atoms excluded from fractions, since no
surface atom is crystalline by CNA):

1. **amorphous** if fewer than `ORDERED_MIN` of the interior atoms are ordered (CNA ≠ other,
   or on a five-fold axis). The 55-atom Mackay icosahedron has 13 interior atoms, 1 ico and
   12 on axes, so it is ordered.
2. **icosahedral** if an atom has the icosahedral signature (12 × 555), or the five-fold-axis
   atoms (2 × 555 + 10 × 422) do not lie on one line (several axes: icosahedron with a vacancy
   at its centre, or several icosahedral units).
3. **decahedral** if the five-fold-axis atoms lie on one line.
4. **single fcc** with at most one grain (stacking faults allowed: they do not rotate the
   lattice; no grain at all means an ordered particle too small for `min_size`, e.g. the
   38-atom truncated octahedron).
5. **twinned fcc** with several grains and every planar fault parallel (lamellar twins).
6. **polycrystalline** otherwise.
"""

from enum import StrEnum

import numpy as np
from ase import Atoms

from aucluster.analysis.cna import CNAResult, Structure
from aucluster.analysis.faults import PARALLEL_DEG, PlanarFault
from aucluster.analysis.grains import Grains
from aucluster.analysis.segment import Segmentation
from aucluster.structures.motif import Region

#: Least fraction of ordered interior atoms for a crystal (rule 1). A melt of EMT Au has a
#: few percent; the most open magic crystal (55-atom icosahedron) 100 %, a 147-atom one 78 %.
ORDERED_MIN = 0.3

#: Five-fold-axis atoms farther than this from their common line [Å] make several axes.
_ON_LINE = 0.5


class ParticleMotif(StrEnum):
    ICOSAHEDRAL = "icosahedral"
    DECAHEDRAL = "decahedral"
    SINGLE_FCC = "single-fcc"
    TWINNED_FCC = "twinned-fcc"
    POLYCRYSTALLINE = "polycrystalline"
    AMORPHOUS = "amorphous"


def particle_motif(
    atoms: Atoms,
    cna: CNAResult,
    segmentation: Segmentation,
    grains: Grains,
    faults: list[PlanarFault],
) -> ParticleMotif:
    """Motif of the particle (the largest cluster) of `atoms` by the module's rules."""
    particle = segmentation.particle
    interior = particle & (segmentation.region != Region.SURFACE)
    five_fold = cna.five_fold & particle
    has_ico = bool(((cna.structure == Structure.ICO) & particle).any())
    ordered = interior & (cna.crystalline | cna.five_fold)
    n_interior = int(interior.sum())
    in_grain = particle & (grains.grain > 0)
    if n_interior == 0 or ordered.sum() < ORDERED_MIN * n_interior:
        return ParticleMotif.AMORPHOUS
    if has_ico or (five_fold.any() and not _collinear(atoms.positions[five_fold])):
        return ParticleMotif.ICOSAHEDRAL
    if five_fold.any():
        return ParticleMotif.DECAHEDRAL
    n_grains = len(np.unique(grains.grain[in_grain]))
    if n_grains <= 1:
        return ParticleMotif.SINGLE_FCC
    if _all_parallel(faults):
        return ParticleMotif.TWINNED_FCC
    return ParticleMotif.POLYCRYSTALLINE


def _collinear(points: np.ndarray) -> bool:
    if len(points) < 3:
        return True
    centred = points - points.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    off_line = centred - np.outer(centred @ vt[0], vt[0])
    return bool(np.linalg.norm(off_line, axis=1).max() < _ON_LINE)


def _all_parallel(faults: list[PlanarFault]) -> bool:
    if not faults:
        return False
    normals = np.array([f.normal for f in faults])
    return bool((np.abs(normals @ normals[0]) > np.cos(np.radians(PARALLEL_DEG))).all())
