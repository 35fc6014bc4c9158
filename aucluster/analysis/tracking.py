"""Structure followed in time: grain identities from frame to frame, twin boundaries and
their migration, and what became of a coalescing cluster (neck, lattice it ends in).

- **Grains** keep their identity when more than half of a grain's atoms at frame t belonged
  to one grain at t − 1 (matched largest overlap first); a new grain gets a new id. A grain that
  is gone at t was **absorbed** if most of its atoms are in another grain at t, else
  **dissolved** (in no grain: disordered, surface or cloud).
- **Twin boundaries** (`FaultKind.TWIN`, one hcp layer) are matched between frames by plane
  normal (within 10°) and then by nearest height along it; their **migration** is the change
  of that height [Å] between matched frames, per ps.
- **Coalescence neck**: the atoms of the incoming cluster bonded (within r_in) to host atoms,
  and the host atoms bonded to them; the neck radius is √2 × their RMS distance from the line
  joining the two centres of mass (a uniformly filled disc of radius R has RMS radius R/√2).
- **Coalescence outcome** at the last frame: *recrystallised* when at least 80 % of the
  incoming atoms sit on sites of the host grain's fcc lattice (within 0.5 Å: a registry
  test, so surface atoms count, which CNA never calls fcc), *twin* when they sit on the lattice
  mirrored across one of the host's {111} planes, *mixed* when 80 % sit on sites of the host
  or of its twins but split between them (an island over two facets), *own grain* when most of
  their crystalline atoms are in another grain, *disordered* otherwise.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.transform import Rotation

from aucluster.analysis.events import EventKind
from aucluster.analysis.faults import FaultKind, PlanarFault

#: Normals of twin planes matched between frames agree within this angle [deg].
TWIN_MATCH_DEG = 10.0
#: Share of the incoming atoms on host (or twin) lattice sites for "recrystallised" ("twin").
REGISTRY_SHARE = 0.8
#: Largest distance [Å] of an atom from its lattice site in the registry test: 0.3 of the
#: 1.67 Å between an fcc and an hcp hollow site of a (111) facet (a0/√6), so a relaxed surface
#: atom still counts and one on the other hollow never does.
REGISTRY_TOLERANCE_A = 0.5


class Outcome(StrEnum):
    """What became of a coalescing cluster (module notes)."""

    RECRYSTALLISED = "recrystallised"
    TWIN = "twin"
    MIXED = "mixed"  # on lattice sites, split between the host's and twin stackings
    OWN_GRAIN = "own grain"
    DISORDERED = "disordered"
    OPEN = "open"  # no frame after contact


@dataclass(frozen=True)
class GrainEvent:
    frame: int  # the first frame without the grain
    kind: EventKind  # GRAIN_ABSORBED or GRAIN_DISSOLVED
    atoms: tuple[int, ...]  # its atoms in its last frame


def track_grains(grains: list[np.ndarray]) -> tuple[list[np.ndarray], list[GrainEvent]]:
    """Persistent grain ids (n_atoms,) per frame (0 = in no grain) and the grains that
    disappeared, from per-frame grain labels (0 = in no grain)."""
    tracked: list[np.ndarray] = []
    events: list[GrainEvent] = []
    next_id = 1
    previous: np.ndarray | None = None
    for t, labels in enumerate(grains):
        ids = np.zeros_like(labels)
        if previous is None:
            for g in np.unique(labels[labels > 0]):
                ids[labels == g] = next_id
                next_id += 1
        else:
            pairs = []
            for g in np.unique(labels[labels > 0]):
                members = labels == g
                old, counts = np.unique(previous[members], return_counts=True)
                for o, c in zip(old, counts, strict=True):
                    if o > 0 and 2 * c > members.sum():
                        pairs.append((int(c), int(g), int(o)))
            used_new, used_old = set(), set()
            for _, g, o in sorted(pairs, reverse=True):
                if g in used_new or o in used_old:
                    continue
                ids[labels == g] = o
                used_new.add(g)
                used_old.add(o)
            for g in np.unique(labels[labels > 0]):
                if g not in used_new:
                    ids[labels == g] = next_id
                    next_id += 1
            for o in np.unique(previous[previous > 0]):
                if o in used_old:
                    continue
                members = np.flatnonzero(previous == o)
                now = ids[members]
                absorbed = 2 * (now > 0).sum() > len(members)
                kind = EventKind.GRAIN_ABSORBED if absorbed else EventKind.GRAIN_DISSOLVED
                events.append(GrainEvent(t, kind, tuple(int(a) for a in members)))
        tracked.append(ids)
        previous = ids
    return tracked, events


def _twins(faults: list[PlanarFault]) -> list[tuple[np.ndarray, float, int]]:
    out = []
    for f in faults:
        if f.kind is FaultKind.TWIN:
            n = f.normal / np.linalg.norm(f.normal)
            out.append((n, float(f.centre @ n), f.n_atoms))
    return out


def twin_migration(
    faults_per_frame: list[list[PlanarFault]], times_ps: np.ndarray
) -> tuple[list[dict], np.ndarray]:
    """Rows (frame, time_ps, twin, height_A, n_atoms, migration_A) of every twin boundary with
    a persistent id, and the mean |migration| per ps of each frame (NaN where no twin was
    matched to the frame before)."""
    rows: list[dict] = []
    rate = np.full(len(faults_per_frame), np.nan)
    cos_limit = np.cos(np.radians(TWIN_MATCH_DEG))
    previous: list[tuple[int, np.ndarray, float]] = []
    next_id = 1
    for t, faults in enumerate(faults_per_frame):
        current = []
        speeds = []
        taken: set[int] = set()
        for normal, height, n_atoms in _twins(faults):
            best, best_gap, sign = None, np.inf, 1.0
            for k, (_, old_normal, old_height) in enumerate(previous):
                c = float(normal @ old_normal)
                if k in taken or abs(c) < cos_limit:
                    continue
                s = 1.0 if c > 0 else -1.0
                gap = abs(s * height - old_height)
                if gap < best_gap:
                    best, best_gap, sign = k, gap, s
            if best is None:
                twin, moved = next_id, float("nan")
                next_id += 1
            else:
                taken.add(best)
                twin, _, old_height = previous[best]
                normal, height = sign * normal, sign * height
                moved = height - old_height
                dt = float(times_ps[t] - times_ps[t - 1])
                speeds.append(abs(moved) / dt if dt > 0 else np.nan)
            current.append((twin, normal, height))
            rows.append(
                {
                    "frame": t,
                    "time_ps": float(times_ps[t]),
                    "twin": twin,
                    "height_A": height,
                    "n_atoms": n_atoms,
                    "migration_A": moved,
                }
            )
        if speeds:
            rate[t] = float(np.nanmean(speeds))
        previous = current
    return rows, rate


def neck_radius(
    positions: np.ndarray, host: np.ndarray, incoming: np.ndarray, cutoff: float
) -> float:
    """Neck radius [Å] between `host` and `incoming` atoms (index arrays; module notes)."""
    if len(host) == 0 or len(incoming) == 0:
        return 0.0
    h, i = positions[host], positions[incoming]
    tree = cKDTree(h)
    near_i = np.array([len(n) > 0 for n in tree.query_ball_point(i, cutoff)])
    if not near_i.any():
        return 0.0
    near_h = np.array([len(n) > 0 for n in cKDTree(i).query_ball_point(h, cutoff)])
    neck = np.vstack([i[near_i], h[near_h]])
    axis = i.mean(axis=0) - h.mean(axis=0)
    norm = np.linalg.norm(axis)
    if norm == 0:
        return 0.0
    axis /= norm
    rel = neck - h.mean(axis=0)
    perpendicular = rel - np.outer(rel @ axis, axis)
    return float(np.sqrt(2.0 * np.mean((perpendicular**2).sum(axis=1))))


def _lattice_frame(positions: np.ndarray, reference: np.ndarray, quaternion: np.ndarray):
    """Positions relative to `reference` in the host's cubic lattice frame, in both senses
    of the PTM rotation (the caller keeps the one the host atoms fit)."""
    rotation = Rotation.from_quat(quaternion)
    return [rotation.apply(positions - reference), rotation.inv().apply(positions - reference)]


def _off_site(x: np.ndarray, half_a0: float) -> np.ndarray:
    """Distance [Å] of lattice-frame points from the nearest fcc site (a0/2 units, even sum)."""
    u = x / half_a0
    rounded = np.round(u)
    odd = (rounded.sum(axis=1) % 2) != 0
    if odd.any():  # move the worst coordinate to the other neighbour to make the sum even
        diff = u[odd] - rounded[odd]
        k = np.argmax(np.abs(diff), axis=1)
        rows = np.arange(len(k))
        fix = rounded[odd]
        fix[rows, k] += np.sign(diff[rows, k]) + (diff[rows, k] == 0)
        rounded[odd] = fix
    return np.linalg.norm(u - rounded, axis=1) * half_a0


_NORMALS_111 = np.array([[1, 1, 1], [1, 1, -1], [1, -1, 1], [-1, 1, 1]], dtype=float) / np.sqrt(3)


def coalescence_outcome(
    positions: np.ndarray,
    host_grain_atoms: np.ndarray,
    host_orientation: np.ndarray,
    incoming: np.ndarray,
    incoming_grains: np.ndarray,
    host_grain: int,
    nn_distance: float,
) -> Outcome:
    """What became of the `incoming` atoms (module notes). `host_grain_atoms` are the
    crystalline atoms of the host's grain (id `host_grain`, mean orientation
    `host_orientation`); `incoming_grains` the grain id of each incoming atom (0 = none)."""
    if len(host_grain_atoms) < 4 or len(incoming) == 0:
        return Outcome.DISORDERED
    half_a0 = nn_distance / np.sqrt(2.0)  # a0/2 = d_nn/√2
    host = positions[host_grain_atoms]
    reference = host[np.argmin(np.linalg.norm(host - host.mean(axis=0), axis=1))]
    candidates = _lattice_frame(np.vstack([host, positions[incoming]]), reference, host_orientation)
    fits = [np.median(_off_site(c[: len(host)], half_a0)) for c in candidates]
    frame = candidates[int(np.argmin(fits))]
    x_in = frame[len(host) :]
    if np.mean(_off_site(x_in, half_a0) < REGISTRY_TOLERANCE_A) >= REGISTRY_SHARE:
        return Outcome.RECRYSTALLISED
    d111 = 2.0 * half_a0 / np.sqrt(3.0)  # (111) spacing a0/√3
    on_some_site = _off_site(x_in, half_a0) < REGISTRY_TOLERANCE_A
    for n in _NORMALS_111:
        mirrored = x_in - 2.0 * np.outer(x_in @ n, n)
        for k in range(3):
            on_twin = _off_site(mirrored + 2.0 * k * d111 * n, half_a0) < REGISTRY_TOLERANCE_A
            if np.mean(on_twin) >= REGISTRY_SHARE:
                return Outcome.TWIN
            on_some_site |= on_twin
    if np.mean(on_some_site) >= REGISTRY_SHARE:
        return Outcome.MIXED
    crystalline = incoming_grains[incoming_grains > 0]
    if len(crystalline) and 2 * len(crystalline) >= len(incoming):
        values, counts = np.unique(crystalline, return_counts=True)
        if values[np.argmax(counts)] != host_grain:
            return Outcome.OWN_GRAIN
        return Outcome.RECRYSTALLISED
    return Outcome.DISORDERED
