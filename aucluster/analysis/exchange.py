"""Exchange between the particle and its cloud with hysteresis and a dwell time, its rates
with Poisson confidence intervals, and the cloud's composition.

A single bond cutoff counts every thermal excursion of a surface atom as a detachment and its
return as an attachment, so the counts grow with the sampling rate (an Ih309 at 600 K: 92, 25
and 17 detachments sampled every 0.2, 1 and 2 ps; three quarters of the 0.2 ps ones return
within 1 ps). Here, with the atom's distance d to the nearest particle atom (the particle:
the largest cluster connected by bonds shorter than `attach_radius`, r_in):

- an attached atom **detaches** at the first frame with d > `detach_radius` (r_out > r_in)
  after which it does not come back within r_in for `dwell_ps` (τ);
- a detached atom **attaches** at the first frame with d ≤ r_in after which it does not go
  beyond r_out for τ.

Excursions shorter than τ are no events at any sampling interval ≤ τ; an excursion still open
less than τ before the trajectory ends is not counted (it cannot be confirmed). Each event
records the coordination (neighbours within r_in) of the site: for a detachment the atom's
last frame in the particle, for an attachment its first.

- **expel**: atoms detaching at the same frame from one cloud cluster of ≥ 2 atoms;
- **coalescence**: a cloud cluster of at least `min_coalescence_atoms` atoms (default 13: the
  smallest closed-shell cluster; dimers landing are attach events) of which more than half
  are within r_in of the particle one frame later (the contact frame); a cluster that comes
  loose and touches again is the same coalescence.

Defaults: r_in 3.7 Å lies between the first (2.88 Å) and second (4.08 Å) neighbour shells of
Au; r_out 5.0 Å is beyond the second shell, so an atom rolling over the surface never reaches
it; τ = 2 ps is longer than the return time of 98 % of single-cutoff excursions
(docs/analysis.md) and not shorter than the scenarios' sampling interval.
"""

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree
from scipy.stats import chi2

from aucluster.analysis.clusters import DEFAULT_BOND_CUTOFF, bonded_pairs, labels_from_pairs
from aucluster.analysis.events import Event, EventKind
from aucluster.errors import ParameterError

DEFAULT_ATTACH_RADIUS = DEFAULT_BOND_CUTOFF  # r_in [Å]
DEFAULT_DETACH_RADIUS = 5.0  # r_out [Å]
DEFAULT_DWELL_PS = 2.0  # τ
DEFAULT_MIN_COALESCENCE_ATOMS = 13

#: Site classes by coordination (neighbours within r_in) of the site left or joined.
SITE_CLASSES = (
    ("adatom", 0, 3),
    ("edge-corner", 4, 6),
    ("facet-step", 7, 9),
    ("bulk-like", 10, 99),
)

#: Columns of the cloud composition per frame: clusters by size.
COMPOSITION_COLUMNS = (
    "n_cloud_monomers",
    "n_cloud_dimers",
    "n_cloud_trimers",
    "n_cloud_clusters_4_to_12",
    "n_cloud_clusters_13_plus",
)


def check_exchange_parameters(
    attach_radius: float, detach_radius: float, dwell_ps: float, min_coalescence_atoms: int
) -> None:
    if not attach_radius > 0:
        raise ParameterError(f"attach_radius = {attach_radius!r} Å: must be positive")
    if not detach_radius > attach_radius:
        raise ParameterError(
            f"detach_radius = {detach_radius!r} Å: must exceed r_in, the bond cutoff "
            f"{attach_radius!r} Å"
        )
    if not dwell_ps >= 0:
        raise ParameterError(f"dwell_ps = {dwell_ps!r}: must be ≥ 0")
    if int(min_coalescence_atoms) != min_coalescence_atoms or min_coalescence_atoms < 2:
        raise ParameterError(f"min_coalescence_atoms = {min_coalescence_atoms!r}: an integer ≥ 2")


@dataclass(frozen=True)
class Contacts:
    """What the exchange needs of one frame (instantaneous positions)."""

    cluster: np.ndarray  # (n_atoms,) connected-cluster label at r_in, 0 = the particle
    distance: np.ndarray  # (n_atoms,) distance to the nearest particle atom [Å] (0 inside)
    coordination: np.ndarray  # (n_atoms,) neighbours within r_in


def contacts(positions: np.ndarray, attach_radius: float) -> Contacts:
    """Clusters, distances to the particle and coordinations, from one pair search."""
    n = len(positions)
    pairs = bonded_pairs(positions, attach_radius)
    labels = labels_from_pairs(n, pairs) if n else np.empty(0, dtype=int)
    particle = labels == 0
    distance = np.zeros(n)
    if (~particle).any():
        distance[~particle], _ = cKDTree(positions[particle]).query(positions[~particle])
    coordination = np.bincount(pairs.ravel(), minlength=n)
    return Contacts(cluster=labels, distance=distance, coordination=coordination)


def composition(cluster: np.ndarray) -> dict[str, int]:
    """Cloud clusters by size in one frame (`COMPOSITION_COLUMNS`)."""
    sizes = np.bincount(cluster)[1:] if len(cluster) else np.zeros(0, dtype=int)
    sizes = sizes[sizes > 0]
    counts = (
        int((sizes == 1).sum()),
        int((sizes == 2).sum()),
        int((sizes == 3).sum()),
        int(((sizes >= 4) & (sizes <= 12)).sum()),
        int((sizes >= 13).sum()),
    )
    return dict(zip(COMPOSITION_COLUMNS, counts, strict=True))


def _next_index(mask: np.ndarray) -> np.ndarray:
    """For each frame t and atom, the first frame u ≥ t where `mask` holds (T if never)."""
    n_frames = mask.shape[0]
    out = np.full(mask.shape, n_frames, dtype=np.int64)
    following = np.full(mask.shape[1], n_frames, dtype=np.int64)
    for t in range(n_frames - 1, -1, -1):
        following = np.where(mask[t], t, following)
        out[t] = following
    return out


def membership_events(
    frames: list[Contacts],
    times_ps: np.ndarray,
    *,
    attach_radius: float = DEFAULT_ATTACH_RADIUS,
    detach_radius: float = DEFAULT_DETACH_RADIUS,
    dwell_ps: float = DEFAULT_DWELL_PS,
) -> list[Event]:
    """Detach and attach events with hysteresis and dwell (module notes)."""
    times = np.asarray(times_ps, dtype=float)
    if len(frames) != len(times):
        raise ParameterError("one time per frame is needed")
    if len(frames) > 1 and not np.all(np.diff(times) > 0):
        raise ParameterError("exchange events need frames with increasing times (time_ps)")
    distance = np.stack([f.distance for f in frames])
    inside = distance <= attach_radius
    beyond = distance > detach_radius
    next_in, next_out = _next_index(inside), _next_index(beyond)
    window_end = np.searchsorted(times, times + dwell_ps, side="right") - 1
    confirmable = times[-1] >= times + dwell_ps
    state = inside[0].copy()
    last_inside = np.where(state, 0, -1)
    events: list[Event] = []
    for t in range(1, len(frames)):
        e = window_end[t]
        detach = state & beyond[t] & (next_in[t] > e) & confirmable[t]
        attach = ~state & inside[t] & (next_out[t] > e) & confirmable[t]
        for atom in np.flatnonzero(detach):
            site = (
                int(frames[last_inside[atom]].coordination[atom]) if last_inside[atom] >= 0 else -1
            )
            events.append(Event(t, EventKind.DETACH, (int(atom),), site_coordination=site))
        for atom in np.flatnonzero(attach):
            site = int(frames[t].coordination[atom])
            events.append(Event(t, EventKind.ATTACH, (int(atom),), site_coordination=site))
        state = (state & ~detach) | attach
        last_inside = np.where(state & inside[t], t, last_inside)
    return events


def expel_events(frames: list[Contacts], events: list[Event]) -> list[Event]:
    """Atoms detaching at one frame from one cloud cluster of ≥ 2 atoms: one expel event."""
    out = []
    by_frame: dict[int, list[int]] = {}
    for e in events:
        if e.kind is EventKind.DETACH:
            by_frame.setdefault(e.frame, []).append(e.atoms[0])
    for t, atoms in sorted(by_frame.items()):
        labels = frames[t].cluster[atoms]
        for label in np.unique(labels):
            members = np.asarray(atoms)[labels == label]
            if label != 0 and len(members) >= 2:
                out.append(Event(t, EventKind.EXPEL, tuple(sorted(int(a) for a in members))))
    return out


def coalescence_contacts(
    frames: list[Contacts], attach_radius: float, min_atoms: int
) -> list[Event]:
    """Contact frames of cloud clusters of ≥ `min_atoms` atoms joining the particle. A cluster
    that touches, comes loose and touches again (most of its atoms those of an earlier
    coalescence) is that coalescence still: only its first contact counts."""
    out: list[Event] = []
    for t in range(1, len(frames)):
        before, now = frames[t - 1].cluster, frames[t]
        sizes = np.bincount(before)
        for label in np.flatnonzero(sizes >= min_atoms):
            if label == 0:
                continue
            members = np.flatnonzero(before == label)
            joined = now.distance[members] <= attach_radius
            seen = any(2 * len(set(e.atoms) & set(members.tolist())) > len(members) for e in out)
            if 2 * joined.sum() > len(members) and not seen:
                out.append(Event(t, EventKind.COALESCENCE, tuple(int(a) for a in members)))
    return out


def poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) confidence interval of a Poisson mean from one count."""
    alpha = 1.0 - confidence
    low = 0.0 if count == 0 else float(chi2.ppf(alpha / 2, 2 * count) / 2)
    high = float(chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2)
    return low, high


def site_class(coordination: int) -> str:
    for name, low, high in SITE_CLASSES:
        if low <= coordination <= high:
            return name
    return "unknown"


#: Columns of rates.csv.
RATE_COLUMNS = (
    "window_start_ps",
    "window_end_ps",
    "kind",
    "site_class",
    "n_events",
    "rate_per_ps",
    "rate_ci_low_per_ps",
    "rate_ci_high_per_ps",
)


def rates(events: list[Event], times_ps: np.ndarray, window_ps: float) -> list[dict]:
    """Detach and attach rates [1/ps] with 95 % Poisson intervals over consecutive windows of
    `window_ps` (the last one shorter) and over the whole run ("all" window), overall and per
    site class. An event's time is that of its frame."""
    times = np.asarray(times_ps, dtype=float)
    start, end = float(times[0]), float(times[-1])
    if not window_ps > 0:
        raise ParameterError(f"rate window {window_ps!r} ps: must be positive")
    edges = [*np.arange(start, end, window_ps).tolist(), end]
    windows = [(a, b) for a, b in itertools.pairwise(edges) if b > a]
    if len(windows) > 1:
        windows.append((start, end))
    rows = []
    for a, b in windows:
        for kind in (EventKind.DETACH, EventKind.ATTACH):
            mine = [
                e
                for e in events
                if e.kind is kind and a <= times[e.frame] and (times[e.frame] < b or b == end)
            ]
            for name in ("all", *(c[0] for c in SITE_CLASSES)):
                chosen = (
                    mine
                    if name == "all"
                    else [e for e in mine if site_class(e.site_coordination) == name]
                )
                low, high = poisson_interval(len(chosen))
                span = b - a
                rows.append(
                    {
                        "window_start_ps": a,
                        "window_end_ps": b,
                        "kind": str(kind),
                        "site_class": name,
                        "n_events": len(chosen),
                        "rate_per_ps": len(chosen) / span,
                        "rate_ci_low_per_ps": low / span,
                        "rate_ci_high_per_ps": high / span,
                    }
                )
    return rows
