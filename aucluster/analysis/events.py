"""Events of a trajectory (their kinds and record) and the Lindemann index.

Atom identity is the atom index, so every frame of a trajectory must hold the same atoms in the
same order. The rules that find the events are in `aucluster.analysis.exchange` (detach,
attach, expel, coalescence: hysteresis and a dwell time) and `aucluster.analysis.tracking`
(grains absorbed or dissolved, the outcome of a coalescence).
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy.spatial.distance import pdist

from aucluster.errors import ParameterError


class EventKind(StrEnum):
    DETACH = "detach"
    ATTACH = "attach"
    EXPEL = "expel"
    COALESCENCE = "coalescence"
    GRAIN_ABSORBED = "grain-absorbed"
    GRAIN_DISSOLVED = "grain-dissolved"


@dataclass(frozen=True)
class Event:
    """One event: the frame it is seen in, its kind and the atoms involved; for a detach or
    attach the coordination of the site left or joined (−1 where it does not apply), for a
    coalescence its outcome (`aucluster.analysis.tracking.Outcome`)."""

    frame: int
    kind: EventKind
    atoms: tuple[int, ...]
    site_coordination: int = -1
    outcome: str = ""


def lindemann_index(positions: np.ndarray) -> float:
    """Lindemann index of a set of atoms over frames, positions shape (n_frames, n_atoms, 3):

        δ = 1/(N(N−1)) Σ_{i≠j} sqrt(⟨r_ij²⟩ − ⟨r_ij⟩²) / ⟨r_ij⟩,

    averages ⟨·⟩ over frames (Lindemann criterion for clusters, e.g. Zhou et al., J. Chem.
    Phys. 116, 2323 (2002)). Solids stay below ~0.1, liquids lie above. Memory O(N²).
    """
    pos = np.asarray(positions, dtype=float)
    if pos.ndim != 3 or pos.shape[0] < 2 or pos.shape[1] < 2:
        raise ParameterError("the Lindemann index needs ≥ 2 frames of ≥ 2 atoms")
    total = np.zeros(pos.shape[1] * (pos.shape[1] - 1) // 2)
    total_sq = np.zeros_like(total)
    for frame in pos:
        r = pdist(frame)
        total += r
        total_sq += r * r
    mean = total / len(pos)
    var = np.maximum(total_sq / len(pos) - mean**2, 0.0)
    return float(np.mean(np.sqrt(var) / mean))
