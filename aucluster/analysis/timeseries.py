"""Per-frame table and events over a trajectory."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from ase import Atoms

from aucluster.analysis.events import (
    Event,
    EventKind,
    exchange_events,
    lindemann_index,
    shape_anisotropy,
)
from aucluster.analysis.frame import (
    AnalysisSettings,
    FrameAnalysis,
    analyze_frame,
)
from aucluster.errors import ParameterError


@dataclass(frozen=True)
class TrajectoryAnalysis:
    """Per-frame rows (one dict per frame, units in the keys) and the events."""

    rows: list[dict]
    events: list[Event]


def frame_time_ps(atoms: Atoms) -> float:
    """Simulation time of a frame [ps] from ``info["time_ps"]`` (aucluster trajectories),
    else NaN."""
    value = atoms.info.get("time_ps")
    return float(value) if value is not None else float("nan")


def analyze_trajectory(
    frames: Iterable[Atoms],
    settings: AnalysisSettings | None = None,
    *,
    on_frame: Callable[[int, Atoms, FrameAnalysis], None] | None = None,
) -> TrajectoryAnalysis:
    """Analyse every frame, then the exchange events between them.

    `on_frame(index, atoms, analysis)` is called after each frame (to write per-atom labels
    or advance a progress bar) so that per-atom results need not be kept in memory.
    """
    settings = settings or AnalysisSettings()
    lindemann_window = settings.lindemann_window
    rows: list[dict] = []
    clusters: list[np.ndarray] = []
    kappa2: list[float] = []
    block: list[tuple[np.ndarray, np.ndarray]] = []
    n_atoms = None
    for index, atoms in enumerate(frames):
        if n_atoms is not None and len(atoms) != n_atoms:
            raise ParameterError(
                f"frame {index} holds {len(atoms)} atoms, frame 0 {n_atoms}: a trajectory "
                "analysis needs the same atoms in every frame"
            )
        n_atoms = len(atoms)
        analysis = analyze_frame(atoms, settings)
        particle = analysis.segmentation.particle
        row: dict[str, float | int | str] = {"frame": index, "time_ps": frame_time_ps(atoms)}
        row |= analysis.summary()
        row["lindemann_index"] = float("nan")
        if lindemann_window:
            block.append((atoms.positions.copy(), particle))
            if len(block) == lindemann_window:
                row["lindemann_index"] = _block_lindemann(block)
                block = []
        rows.append(row)
        clusters.append(analysis.segmentation.cluster)
        kappa2.append(shape_anisotropy(atoms.positions[particle]))
        if on_frame is not None:
            on_frame(index, atoms, analysis)
    if not rows:
        raise ParameterError("no frames to analyse")
    events = exchange_events(clusters, kappa2)
    for row, counts in zip(rows, _event_counts(events, len(rows)), strict=True):
        row |= counts
    return TrajectoryAnalysis(rows, events)


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
    }
    table = np.zeros((n_frames, len(names) + 1), dtype=int)
    for e in events:
        table[e.frame, list(names).index(e.kind)] += 1
        if e.kind == EventKind.COALESCENCE and e.completed_frame >= 0:
            table[e.completed_frame, len(names)] += 1
    keys = [*names.values(), "n_coalescence_completed"]
    for line in table:
        yield dict(zip(keys, (int(x) for x in line), strict=True))
