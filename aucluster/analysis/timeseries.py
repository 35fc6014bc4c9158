"""Per-frame table, events, rates and tracked structure over a trajectory.

Structural labels (CNA, grains, faults, motif, regions, crystalline fractions) come from the
positions `AnalysisSettings.labels` chooses (by default each frame's inherent structure,
`aucluster.analysis.inherent`); the exchange (`aucluster.analysis.exchange`), the cloud's
composition and the Lindemann index from the frames as recorded. Frames without a time
(``info["time_ps"]``) are taken 1 ps apart for the dwell time and the rates.
"""

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from ase import Atoms

from aucluster.analysis.events import Event, EventKind, lindemann_index
from aucluster.analysis.exchange import (
    Contacts,
    coalescence_contacts,
    composition,
    contacts,
    expel_events,
    membership_events,
    rates,
)
from aucluster.analysis.frame import AnalysisSettings, FrameAnalysis, analyze_frame
from aucluster.analysis.inherent import LabelMode, quench
from aucluster.analysis.tracking import (
    Outcome,
    coalescence_outcome,
    neck_radius,
    track_grains,
    twin_migration,
)
from aucluster.errors import ParameterError
from aucluster.potentials import Hamiltonian


@dataclass(frozen=True)
class TrajectoryAnalysis:
    """Per-frame rows (one dict per frame, units in the keys), the events, the exchange
    rates (`exchange.RATE_COLUMNS`), every twin boundary per frame and the necks of the
    coalescences against time."""

    rows: list[dict]
    events: list[Event]
    rates: list[dict]
    twins: list[dict]
    necks: list[dict]


def frame_time_ps(atoms: Atoms) -> float:
    """Simulation time of a frame [ps] from ``info["time_ps"]`` (aucluster trajectories),
    else NaN."""
    value = atoms.info.get("time_ps")
    return float(value) if value is not None else float("nan")


def _labelled(atoms: Atoms, settings: AnalysisSettings, hamiltonian, recent: deque) -> Atoms:
    """The positions the labels are computed on (a copy; the frame is never changed)."""
    if settings.labels is LabelMode.INSTANTANEOUS:
        return atoms
    if settings.labels is LabelMode.QUENCHED:
        return quench(
            atoms,
            hamiltonian,
            fmax=settings.quench_fmax_eV_per_A,
            max_steps=settings.quench_max_steps,
        ).atoms
    recent.append(atoms.positions.copy())
    out = atoms.copy()
    out.calc = None
    out.positions = np.mean(np.stack(recent), axis=0)
    return out


@dataclass
class _Frame:
    """What the trajectory-level rules keep of one frame."""

    contacts: Contacts
    positions: np.ndarray  # label positions, float32
    grain: np.ndarray
    grain_orientations: np.ndarray
    crystalline: np.ndarray
    nn_distance: float
    faults: list


def analyze_trajectory(
    frames: Iterable[Atoms],
    settings: AnalysisSettings | None = None,
    *,
    hamiltonian: Hamiltonian | None = None,
    on_frame: Callable[[int, Atoms, FrameAnalysis], None] | None = None,
) -> TrajectoryAnalysis:
    """Analyse every frame, then the exchange, coalescences, grains and twins over time.

    `hamiltonian` is what the run's atoms moved on (potential, solvent, wall), used for the
    quench; default EMT alone. `on_frame(index, atoms, analysis)` is called after each frame
    with the labelled positions (to write per-atom labels or advance a progress bar), so that
    per-atom results need not be kept by the caller.
    """
    s = settings or AnalysisSettings()
    rows: list[dict] = []
    kept: list[_Frame] = []
    block: list[tuple[np.ndarray, np.ndarray]] = []
    recent: deque = deque(maxlen=s.average_window)
    n_atoms = None
    for index, atoms in enumerate(frames):
        if n_atoms is not None and len(atoms) != n_atoms:
            raise ParameterError(
                f"frame {index} holds {len(atoms)} atoms, frame 0 {n_atoms}: a trajectory "
                "analysis needs the same atoms in every frame"
            )
        n_atoms = len(atoms)
        labelled = _labelled(atoms, s, hamiltonian, recent)
        analysis = analyze_frame(labelled, s)
        touching = contacts(atoms.positions, s.bond_cutoff)
        row: dict[str, float | int | str] = {"frame": index, "time_ps": frame_time_ps(atoms)}
        row |= analysis.summary()
        row |= composition(touching.cluster)
        row["lindemann_index"] = float("nan")
        if s.lindemann_window:
            block.append((atoms.positions.copy(), touching.cluster == 0))
            if len(block) == s.lindemann_window:
                row["lindemann_index"] = _block_lindemann(block)
                block = []
        rows.append(row)
        kept.append(
            _Frame(
                contacts=touching,
                positions=labelled.positions.astype(np.float32),
                grain=analysis.grains.grain.copy(),
                grain_orientations=analysis.grains.orientations.copy(),
                crystalline=analysis.cna.crystalline.copy(),
                nn_distance=_nn_distance(analysis),
                faults=analysis.faults,
            )
        )
        if on_frame is not None:
            on_frame(index, labelled, analysis)
    if not rows:
        raise ParameterError("no frames to analyse")
    times = np.array([float(r["time_ps"]) for r in rows])
    if not np.isfinite(times).all():
        times = np.arange(len(rows), dtype=float)
    events = _events(kept, times, s)
    _, grain_events = track_grains([f.grain for f in kept])
    events += [Event(g.frame, g.kind, g.atoms) for g in grain_events]
    events.sort(key=lambda e: (e.frame, list(EventKind).index(e.kind), e.atoms))
    twins, migration = twin_migration([f.faults for f in kept], times)
    for row, counts, speed in zip(rows, _event_counts(events, len(rows)), migration, strict=True):
        row |= counts
        row["twin_migration_A_per_ps"] = float(speed)
    necks = _necks(kept, times, events, s)
    exchange = [e for e in events if e.kind in (EventKind.DETACH, EventKind.ATTACH)]
    return TrajectoryAnalysis(
        rows=rows,
        events=events,
        rates=rates(exchange, times, s.rate_window_ps),
        twins=twins,
        necks=necks,
    )


def _events(kept: list[_Frame], times: np.ndarray, s: AnalysisSettings) -> list[Event]:
    touching = [f.contacts for f in kept]
    moves = membership_events(
        touching,
        times,
        attach_radius=s.bond_cutoff,
        detach_radius=s.detach_radius,
        dwell_ps=s.dwell_ps,
    )
    out = moves + expel_events(touching, moves)
    for contact in coalescence_contacts(touching, s.bond_cutoff, s.min_coalescence_atoms):
        out.append(
            Event(
                contact.frame,
                EventKind.COALESCENCE,
                contact.atoms,
                outcome=_outcome(kept, contact),
            )
        )
    return out


def _host(kept: list[_Frame], contact: Event) -> np.ndarray:
    before = kept[contact.frame - 1].contacts.cluster
    return np.flatnonzero(before == 0)


def _outcome(kept: list[_Frame], contact: Event) -> Outcome:
    """What the coalescing atoms became by the last frame (`tracking.coalescence_outcome`)."""
    if contact.frame >= len(kept) - 1:
        return Outcome.OPEN
    last = kept[-1]
    incoming = np.asarray(contact.atoms)
    host = _host(kept, contact)
    host_grains = last.grain[host]
    host_grains = host_grains[host_grains > 0]
    if len(host_grains) == 0:
        return Outcome.DISORDERED
    values, counts = np.unique(host_grains, return_counts=True)
    grain = int(values[np.argmax(counts)])
    members = np.flatnonzero((last.grain == grain) & last.crystalline)
    members = np.setdiff1d(members, incoming)
    return coalescence_outcome(
        last.positions.astype(float),
        members,
        last.grain_orientations[grain - 1],
        incoming,
        last.grain[incoming],
        grain,
        last.nn_distance,
    )


def _necks(
    kept: list[_Frame], times: np.ndarray, events: list[Event], s: AnalysisSettings
) -> list[dict]:
    rows = []
    for e in events:
        if e.kind is not EventKind.COALESCENCE:
            continue
        incoming = np.asarray(e.atoms)
        host = np.setdiff1d(_host(kept, e), incoming)
        for t in range(e.frame, len(kept)):
            rows.append(
                {
                    "contact_frame": e.frame,
                    "frame": t,
                    "time_since_contact_ps": float(times[t] - times[e.frame]),
                    "neck_radius_A": neck_radius(
                        kept[t].positions.astype(float), host, incoming, s.bond_cutoff
                    ),
                }
            )
    return rows


def _nn_distance(analysis: FrameAnalysis) -> float:
    """Median nearest-neighbour distance [Å] of the crystalline atoms (NaN without any)."""
    crystalline = analysis.cna.crystalline
    if not crystalline.any():
        return float("nan")
    return float(np.median(analysis.cna.nn_distance[crystalline]))


def _block_lindemann(block: list[tuple[np.ndarray, np.ndarray]]) -> float:
    common = np.logical_and.reduce([mask for _, mask in block])
    if common.sum() < 2:
        return float("nan")
    return lindemann_index(np.stack([pos[common] for pos, _ in block]))


def _event_counts(events: list[Event], n_frames: int) -> Iterator[dict[str, int]]:
    names = {
        EventKind.DETACH: "n_detached",
        EventKind.ATTACH: "n_attached",
        EventKind.EXPEL: "n_expelled_clusters",
        EventKind.COALESCENCE: "n_coalescence_contacts",
        EventKind.GRAIN_ABSORBED: "n_grains_absorbed",
        EventKind.GRAIN_DISSOLVED: "n_grains_dissolved",
    }
    table = np.zeros((n_frames, len(names)), dtype=int)
    for e in events:
        table[e.frame, list(names).index(e.kind)] += 1
    for line in table:
        yield dict(zip(names.values(), (int(x) for x in line), strict=True))
