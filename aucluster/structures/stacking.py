"""Close-packed particles with a chosen stacking sequence: twins and stacking faults.

Layers of a triangular lattice (spacing d = a0/√2) are stacked along z at the (111) spacing
a0/√3, each at one of the three lateral positions A, B, C. "ABCABC..." is fcc; a mirror in the
sequence ("ABCABCBACBA") is a twin boundary; a missing layer ("ABCABABCABC") an intrinsic
stacking fault; an inserted one ("ABCABACABC") an extrinsic fault. The layer under which an atom
lies is the per-atom array ``layer`` (ground truth for the fault analysis).
"""

import itertools

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.structures.elements import resolve_lattice_constant
from aucluster.structures.geometry import DEFAULT_VACUUM, in_vacuum_box
from aucluster.structures.motif import Motif, label

#: Lateral offsets of A, B, C in units of the in-plane basis (a1, a2).
_OFFSETS = {"A": (0.0, 0.0), "B": (1.0 / 3.0, 1.0 / 3.0), "C": (2.0 / 3.0, 2.0 / 3.0)}


def build_stacked(
    sequence: str,
    radius: float,
    *,
    element: str = "Au",
    a0: float | None = None,
    vacuum: float = DEFAULT_VACUUM,
) -> Atoms:
    """Sphere of `radius` [Å] cut from close-packed layers stacked as `sequence` (letters A, B,
    C, no two equal neighbours), centred on the middle layer."""
    seq = sequence.upper()
    if len(seq) < 2 or set(seq) - set(_OFFSETS):
        raise ParameterError(f"sequence {sequence!r}: use at least two of the letters A, B, C")
    if any(x == y for x, y in itertools.pairwise(seq)):
        raise ParameterError(f"sequence {sequence!r}: two equal neighbouring layers overlap")
    if not radius > 0:
        raise ParameterError(f"radius = {radius!r} Å: must be positive")
    a0 = resolve_lattice_constant(element, a0)
    d = a0 / np.sqrt(2.0)
    a1 = d * np.array([1.0, 0.0, 0.0])
    a2 = d * np.array([0.5, np.sqrt(3.0) / 2.0, 0.0])
    spacing = a0 / np.sqrt(3.0)
    reach = int(np.ceil(2.0 * radius / d)) + 2
    grid = np.arange(-reach, reach + 1)
    u, v = (g.ravel() for g in np.meshgrid(grid, grid, indexing="ij"))
    middle = (len(seq) - 1) / 2.0
    pieces, layers = [], []
    for k, letter in enumerate(seq):
        ou, ov = _OFFSETS[letter]
        pos = np.outer(u + ou, a1) + np.outer(v + ov, a2)
        pos[:, 2] = (k - middle) * spacing
        pos = pos[np.linalg.norm(pos, axis=1) <= radius]
        pieces.append(pos)
        layers.append(np.full(len(pos), k))
    positions = np.vstack(pieces)
    atoms = Atoms(element * len(positions), positions=positions)
    atoms.arrays["layer"] = np.concatenate(layers)
    out = in_vacuum_box(atoms, vacuum)
    label(out, Motif.STACKED, element=element, a0=a0, radius=radius, sequence=seq)
    return out
