"""Adaptive common-neighbour analysis (a-CNA), vectorised over atoms.

Stukowski, Modelling Simul. Mater. Sci. Eng. 20, 045021 (2012), doi:10.1088/0965-0393/20/4/045021,
with the conventions of OVITO's adaptive CNA so that labels agree atom for atom:

- fcc / hcp / ico: take the 12 nearest neighbours of an atom (no cutoff); two of them are bonded
  when closer than the local cutoff r_c = (1 + √2)/2 · mean(12 distances). For each neighbour j
  the CNA signature (n_cn, n_b, n_lc) counts the common neighbours of the atom and j, the bonds
  among them, and the bonds in their largest connected cluster. fcc = 12 × (4,2,1);
  hcp = 6 × (4,2,1) + 6 × (4,2,2); ico = 12 × (5,5,5).
- bcc (only for atoms that are none of those): the 14 nearest neighbours,
  r_c = 1.207 · (Σ₈ d/√(3/4) + Σ₆ d)/14; bcc = 8 × (6,6,6) + 6 × (4,4,4).

The per-atom signature counts are returned too: an atom on a five-fold axis of a decahedron or
an icosahedron has 2 × (5,5,5) + 10 × (4,2,2) and is labelled "other".
"""

import importlib.util
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np
from ase import Atoms

from aucluster.analysis.neighbours import nearest_neighbours
from aucluster.errors import ParameterError
from aucluster.structures.geometry import FIRST_SHELL_CUTOFF

#: Atoms per block of the vectorised analysis (bounds memory to ~10 MB per array).
_BLOCK = 4096


class Structure(IntEnum):
    """Per-atom structure codes, OVITO's numbering (DESIGN, conventions)."""

    OTHER = 0
    FCC = 1
    HCP = 2
    BCC = 3
    ICO = 4


#: Signatures counted per atom, in the column order of `CNAResult.signatures`.
SIGNATURES: tuple[tuple[int, int, int], ...] = (
    (4, 2, 1),
    (4, 2, 2),
    (5, 5, 5),
    (4, 4, 4),
    (6, 6, 6),
)
_S421, _S422, _S555, _S444, _S666 = range(5)


@dataclass(frozen=True)
class CNAResult:
    """Adaptive CNA of one structure.

    Attributes
    ----------
    structure : ndarray, shape (n_atoms,), int
        `Structure` code per atom.
    signatures : ndarray, shape (n_atoms, 5), int
        Per atom, how many of its neighbours have each signature of `SIGNATURES`: (4,2,1),
        (4,2,2) and (5,5,5) among the 12 nearest neighbours; (4,4,4) and (6,6,6) among the
        14 nearest, counted only for atoms that are not fcc, hcp or ico. Zero where the
        structure has too few atoms.
    neighbours : ndarray, shape (n_atoms, 12), int
        The 12 nearest neighbours used (−1 where missing), nearest first.
    vectors : ndarray, shape (n_atoms, 12, 3)
        Vectors to those neighbours (periodic images resolved) [Å]; NaN where missing.
    pair_signature : ndarray, shape (n_atoms, 12), int
        Per neighbour, the index in `SIGNATURES` of its (4,2,1), (4,2,2) or (5,5,5) signature,
        −1 for any other.
    nn_distance : ndarray, shape (n_atoms,)
        Mean distance to those 12 neighbours [Å] (the local length scale; inf if missing).
    """

    structure: np.ndarray
    signatures: np.ndarray
    neighbours: np.ndarray
    vectors: np.ndarray
    pair_signature: np.ndarray
    nn_distance: np.ndarray

    def counts(self) -> dict[Structure, int]:
        """Number of atoms of each structure type."""
        found = np.bincount(self.structure, minlength=len(Structure))
        return {s: int(found[s]) for s in Structure}

    @property
    def five_fold(self) -> np.ndarray:
        """Boolean (n_atoms,): atoms on a five-fold axis, signature 2 × 555 + 10 × 422."""
        return (self.signatures[:, _S555] == 2) & (self.signatures[:, _S422] == 10)

    @property
    def crystalline(self) -> np.ndarray:
        """Boolean (n_atoms,): fcc, hcp, bcc or ico."""
        return self.structure != Structure.OTHER


class CNABackend(StrEnum):
    """Which implementation computes the adaptive CNA (the result is the same)."""

    AUTO = "auto"  # numba when installed, else NumPy
    NUMBA = "numba"
    NUMPY = "numpy"


def adaptive_cna(atoms: Atoms, *, backend: CNABackend | str = CNABackend.AUTO) -> CNAResult:
    """Adaptive common-neighbour analysis of `atoms` (isolated or periodic); input unchanged.

    backend : "auto", "numba" or "numpy"
        "numba" runs the compiled kernels (the ``fast`` extra, ~3× faster), "numpy" the
        vectorised NumPy path; "auto" takes numba when it is installed. Both give the same
        result (tested); the choice only changes the speed.
    """
    try:
        backend = CNABackend(backend)
    except ValueError:
        raise ParameterError(f"backend {backend!r}: use 'auto', 'numba' or 'numpy'") from None
    if backend is not CNABackend.NUMPY and (backend is CNABackend.NUMBA or _numba_available()):
        from aucluster.analysis._cna_numba import neighbours_and_signatures

        index14, vector14, distance14, structure, signatures, pairs = neighbours_and_signatures(
            atoms
        )
    else:
        index14, vector14, distance14 = nearest_neighbours(atoms, 14)
        structure, signatures, pairs = _numpy_signatures(vector14, distance14)
    has12 = np.isfinite(distance14[:, 11])
    return CNAResult(
        structure=structure,
        signatures=signatures,
        neighbours=index14[:, :12].copy(),
        vectors=vector14[:, :12].copy(),
        pair_signature=pairs,
        nn_distance=np.where(has12, distance14[:, :12].mean(axis=1), np.inf),
    )


def _numba_available() -> bool:
    return importlib.util.find_spec("numba") is not None


def _numpy_signatures(
    vector14: np.ndarray, distance14: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(distance14)
    structure = np.zeros(n, dtype=np.int64)
    signatures = np.zeros((n, len(SIGNATURES)), dtype=np.int64)
    pair_signature = np.full((n, 12), -1, dtype=np.int64)
    has12 = np.isfinite(distance14[:, 11])
    for block in _blocks(np.flatnonzero(has12)):
        pairs = _close_packed_signatures(vector14[block, :12], distance14[block, :12])
        pair_signature[block] = pairs
        counts = np.stack([(pairs == s).sum(axis=1) for s in (_S421, _S422, _S555)], axis=1)
        signatures[block, :3] = counts
        fcc = counts[:, _S421] == 12
        hcp = (counts[:, _S421] == 6) & (counts[:, _S422] == 6)
        ico = counts[:, _S555] == 12
        structure[block] = np.select([fcc, hcp, ico], [Structure.FCC, Structure.HCP, Structure.ICO])
    # As in OVITO, only atoms that are none of fcc, hcp, ico are tested for bcc.
    bcc_candidate = np.isfinite(distance14[:, 13]) & (structure == Structure.OTHER)
    for block in _blocks(np.flatnonzero(bcc_candidate)):
        counts = _bcc_signatures(vector14[block], distance14[block])
        signatures[block, 3:] = counts
        bcc = (counts[:, 0] == 6) & (counts[:, 1] == 8)
        structure[block[bcc]] = Structure.BCC
    return structure, signatures, pair_signature


def _blocks(indices: np.ndarray) -> list[np.ndarray]:
    return [indices[i : i + _BLOCK] for i in range(0, len(indices), _BLOCK)]


def _bond_matrix(vector: np.ndarray, cutoff: np.ndarray) -> np.ndarray:
    """(m, k, k) float: 1 where two of the k neighbours are closer than the atom's cutoff."""
    gram = np.matmul(vector, vector.transpose(0, 2, 1))
    sq = np.einsum("mii->mi", gram)
    d2 = sq[:, :, None] + sq[:, None, :] - 2.0 * gram
    bonded = d2 <= (cutoff**2)[:, None, None]
    k = vector.shape[1]
    bonded[:, np.arange(k), np.arange(k)] = False
    return bonded.astype(np.float32)


def _pair_terms(bonds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per neighbour pair: common neighbours, bonds among them, and the largest number of
    those bonds meeting at one common neighbour."""
    common = bonds.sum(axis=2)
    # (B·B)[j, l] = common neighbours of j and l; restricted to l bonded to j it counts the
    # bonds that l has inside the common-neighbour set of the pair (atom, j).
    at_node = bonds * np.matmul(bonds, bonds)
    n_bonds = at_node.sum(axis=2) / 2.0
    return common, n_bonds, at_node.max(axis=2)


def _close_packed_signatures(vector: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """(m, 12) signature code per neighbour: _S421, _S422, _S555 or −1.

    With 4 common neighbours and 2 bonds, the chain is 2 when the bonds share an atom, else 1.
    With 5 common neighbours and 5 bonds the bonds are always one connected cluster (split
    clusters on 5 atoms hold at most 3 + 1 bonds), so the chain is 5.
    """
    cutoff = FIRST_SHELL_CUTOFF * distance.mean(axis=1)
    common, n_bonds, at_node = _pair_terms(_bond_matrix(vector, cutoff))
    four_two = (common == 4) & (n_bonds == 2)
    s421 = four_two & (at_node == 1)
    s422 = four_two & (at_node == 2)
    s555 = (common == 5) & (n_bonds == 5)
    return np.select([s421, s422, s555], [_S421, _S422, _S555], default=-1)


def _bcc_signatures(vector: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """(m, 2) counts of (4,4,4) and (6,6,6) among 14 neighbours.

    Four bonds on four atoms are always connected. Six bonds on six atoms may split (two
    triangles, or four-atom + one-bond clusters), so (6,6,·) pairs get a connectivity check.
    """
    scale = (distance[:, :8].sum(axis=1) / np.sqrt(0.75) + distance[:, 8:14].sum(axis=1)) / 14.0
    bonds = _bond_matrix(vector, 1.207 * scale)
    common, n_bonds, _ = _pair_terms(bonds)
    s444 = (common == 4) & (n_bonds == 4)
    s666 = (common == 6) & (n_bonds == 6)
    atom, pair = np.nonzero(s666)
    if len(atom):
        s666[atom, pair] = _all_bonds_connected(bonds[atom], bonds[atom, pair])
    return np.stack([s444.sum(1), s666.sum(1)], axis=1)


def _all_bonds_connected(bonds: np.ndarray, members: np.ndarray) -> np.ndarray:
    """(p,) True where the bonds among `members` (p, k) of each bond matrix form one cluster."""
    sub = bonds * members[:, :, None] * members[:, None, :]
    degree = sub.sum(axis=2)
    start = np.argmax(degree, axis=1)
    reach = np.zeros_like(degree, dtype=bool)
    reach[np.arange(len(start)), start] = True
    for _ in range(sub.shape[1]):
        reach = reach | (np.einsum("pi,pij->pj", reach.astype(np.float32), sub) > 0)
    inside = (sub * reach[:, :, None] * reach[:, None, :]).sum(axis=(1, 2)) / 2.0
    return inside == sub.sum(axis=(1, 2)) / 2.0
