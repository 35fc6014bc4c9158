"""Per-atom lattice orientations (asap3's polyhedral template matching) and misorientations.

PTM: Larsen, Schmidt and Schiøtz, Modelling Simul. Mater. Sci. Eng. 24, 055007 (2016),
doi:10.1088/0965-0393/24/5/055007. Without an RMSD cutoff PTM fits a template to any
neighbourhood, liquids included; the cutoff turns poor fits into "no orientation".

Quaternions here are scalar-last (x, y, z, w), as in OVITO's ``Orientation`` property and
``scipy.spatial.transform.Rotation``; they rotate the PTM template into the crystal. asap3
returns them scalar-first and is converted once, here.
"""

import itertools

import numpy as np
from ase import Atoms
from scipy.spatial.transform import Rotation

from aucluster.errors import ParameterError
from aucluster.structures.geometry import in_vacuum_box, lacks_box

#: Default PTM RMSD cutoff (dimensionless, PTM's scale-free RMSD). OVITO's default is 0.1;
#: 0.15 keeps the orientation of crystalline atoms at 600 K while a melt still fails it.
DEFAULT_RMSD_MAX = 0.15

#: asap3 PTM structure names searched (the close-packed family of Au nanoparticles).
_TARGETS = ("fcc", "hcp", "ico")


def _cubic_rotations() -> Rotation:
    """The 24 proper rotations of the cube (signed permutation matrices with det +1)."""
    mats = []
    for perm in itertools.permutations(range(3)):
        for signs in itertools.product((1, -1), repeat=3):
            m = np.zeros((3, 3))
            m[range(3), perm] = signs
            if np.linalg.det(m) > 0:
                mats.append(m)
    return Rotation.from_matrix(np.array(mats))


CUBIC_SYMMETRY = _cubic_rotations()


def check_rmsd_max(rmsd_max: float) -> None:
    if not rmsd_max > 0:
        raise ParameterError(f"rmsd_max = {rmsd_max!r}: must be positive (PTM RMSD cutoff)")


def lattice_orientations(atoms: Atoms, *, rmsd_max: float = DEFAULT_RMSD_MAX) -> np.ndarray:
    """Orientation quaternion (x, y, z, w) per atom, shape (n_atoms, 4); NaN where PTM finds
    no fcc, hcp or icosahedral template within `rmsd_max`. Input unchanged."""
    check_rmsd_max(rmsd_max)
    from asap3.analysis import PTM

    work = in_vacuum_box(atoms) if lacks_box(atoms) else atoms.copy()
    out = np.full((len(atoms), 4), np.nan)
    if len(atoms) < 13:
        return out
    result = PTM(work, rmsd_max=rmsd_max, target_structures=_TARGETS)
    found = result["structure"] != 0
    out[found] = np.roll(result["orientation"][found], -1, axis=1)
    return out


def cubic_misorientation(q1: np.ndarray, q2: np.ndarray) -> np.ndarray:
    """Smallest rotation angle [deg] between orientations q1 and q2, shape (..., 4) each,
    over the 24 cubic symmetry operations; NaN where either is missing."""
    rel = _multiply(_conjugate(q1), q2)
    sym = CUBIC_SYMMETRY.as_quat()  # (24, 4), x y z w
    # Scalar part of rel·s for every symmetry s: rel_w s_w − rel_v·s_v.
    w = rel[..., 3:4] * sym[:, 3] - rel[..., :3] @ sym[:, :3].T
    cos_half = np.clip(np.abs(w).max(axis=-1), 0.0, 1.0)
    return np.degrees(2.0 * np.arccos(cos_half))


def mean_orientation(quaternions: np.ndarray) -> np.ndarray:
    """Cubic-symmetry-aware mean of orientations (m, 4): each is first moved to its
    symmetric equivalent nearest the first one, then averaged as the principal eigenvector
    of Σ q qᵀ (Markley et al., J. Guid. Control Dyn. 30, 1193 (2007))."""
    q = np.asarray(quaternions, dtype=float)
    q = q[np.isfinite(q).all(axis=1)]
    if len(q) == 0:
        return np.full(4, np.nan)
    sym = CUBIC_SYMMETRY.as_quat()  # (24, 4)
    rel = _multiply(_conjugate(q[:1]), q)  # each relative to the first
    w = rel[:, 3:4] * sym[:, 3] - rel[:, :3] @ sym[:, :3].T  # scalar part of rel·s
    aligned = _multiply(q, sym[np.argmax(np.abs(w), axis=1)])
    _, eigvec = np.linalg.eigh(aligned.T @ aligned)
    mean = eigvec[:, -1]
    return mean if mean[3] >= 0 else -mean


def _conjugate(q: np.ndarray) -> np.ndarray:
    return np.concatenate([-q[..., :3], q[..., 3:4]], axis=-1)


def _multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product of scalar-last quaternions, broadcasting over leading axes."""
    av, aw = a[..., :3], a[..., 3:4]
    bv, bw = b[..., :3], b[..., 3:4]
    v = aw * bv + bw * av + np.cross(av, bv)
    w = aw * bw - np.sum(av * bv, axis=-1, keepdims=True)
    return np.concatenate([v, w], axis=-1)
