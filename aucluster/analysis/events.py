"""Exchange between the particle and its cloud, frame to frame, and the Lindemann index.

Atom identity is the atom index, so every frame of a trajectory must hold the same atoms in the
same order. Between consecutive frames t−1 and t:

- **detach**: an atom in the particle at t−1 and in the cloud at t (one event per atom);
- **attach**: the reverse;
- **expel**: a cloud cluster of ≥ 2 atoms at t of which most atoms were in the particle at
  t−1 (a cluster leaving as a whole);
- **coalescence**: a cloud cluster of ≥ 2 atoms at t−1 whose atoms are all in the particle at
  t: the frame of first bridge contact (the clusters become connected). Its **completion** is
  the first later frame at which the particle's relative shape anisotropy κ² has fallen back
  to at most its value before contact plus `COMPLETION_KAPPA2` (the neck has filled and the
  particle is as round as before); it stays open if that never happens within the trajectory.
  Monomers joining are attach events, not coalescence.

The atoms of an expelled or coalescing cluster are counted as detach or attach events too: the
atom events count matter exchanged, the cluster events count how it travelled.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy.spatial.distance import pdist

from aucluster.errors import ParameterError

#: κ² tolerance for the completion of a coalescence (module docstring). κ² is 0 for a sphere
#: and 1 for a line; two touching equal spheres have κ² ≈ 0.1.
COMPLETION_KAPPA2 = 0.01


class EventKind(StrEnum):
    DETACH = "detach"
    ATTACH = "attach"
    EXPEL = "expel"
    COALESCENCE = "coalescence"


@dataclass(frozen=True)
class Event:
    """One event: the frame it is seen in, its kind, the atoms involved, and for a
    coalescence the frame of completion (−1 while open)."""

    frame: int
    kind: EventKind
    atoms: tuple[int, ...]
    completed_frame: int = -1


def shape_anisotropy(positions: np.ndarray) -> float:
    """Relative shape anisotropy κ² = 1 − 3(λ₁λ₂ + λ₂λ₃ + λ₃λ₁)/(λ₁ + λ₂ + λ₃)² of the gyration
    tensor's eigenvalues λ (Theodorou and Suter, Macromolecules 18, 1206 (1985))."""
    if len(positions) < 2:
        return 0.0
    centred = positions - positions.mean(axis=0)
    lam = np.linalg.eigvalsh(centred.T @ centred / len(positions))
    trace = lam.sum()
    if trace <= 0:
        return 0.0
    return float(1.0 - 3.0 * (lam[0] * lam[1] + lam[1] * lam[2] + lam[2] * lam[0]) / trace**2)


def exchange_events(clusters: list[np.ndarray], kappa2: list[float]) -> list[Event]:
    """Events over a trajectory from per-frame cluster labels (0 = particle) and the particle's
    κ² per frame (see `shape_anisotropy`)."""
    if len(clusters) != len(kappa2):
        raise ParameterError("one κ² per frame is needed")
    events: list[Event] = []
    open_coalescence: list[tuple[int, tuple[int, ...], float]] = []
    for t in range(1, len(clusters)):
        before, now = clusters[t - 1], clusters[t]
        if len(before) != len(now):
            raise ParameterError(
                f"frames {t - 1} and {t} hold {len(before)} and {len(now)} atoms: events need "
                "the same atoms in every frame"
            )
        was_in, is_in = before == 0, now == 0
        events += [Event(t, EventKind.DETACH, (int(a),)) for a in np.flatnonzero(was_in & ~is_in)]
        events += [Event(t, EventKind.ATTACH, (int(a),)) for a in np.flatnonzero(~was_in & is_in)]
        for label in np.unique(now[~is_in]):
            members = np.flatnonzero(now == label)
            if len(members) >= 2 and 2 * was_in[members].sum() > len(members):
                events.append(Event(t, EventKind.EXPEL, tuple(members.tolist())))
        for label in np.unique(before[~was_in]):
            members = np.flatnonzero(before == label)
            if len(members) >= 2 and is_in[members].all():
                open_coalescence.append((t, tuple(members.tolist()), kappa2[t - 1]))
        still_open = []
        for start, members_t, reference in open_coalescence:
            if t > start and kappa2[t] <= reference + COMPLETION_KAPPA2:
                events.append(Event(start, EventKind.COALESCENCE, members_t, t))
            else:
                still_open.append((start, members_t, reference))
        open_coalescence = still_open
    events += [Event(start, EventKind.COALESCENCE, m) for start, m, _ in open_coalescence]
    return sorted(events, key=lambda e: (e.frame, list(EventKind).index(e.kind), e.atoms))


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
