"""Files of a trajectory analysis: frames.csv, events.csv (and the labelled frames), written
the same way by `aucluster analyze` and by the workflows."""

from pathlib import Path

from aucluster.analysis.timeseries import TrajectoryAnalysis
from aucluster.store import write_csv

EVENT_COLUMNS = ("frame", "time_ps", "kind", "n_atoms", "completed_frame", "atoms")


def write_frames_csv(result: TrajectoryAnalysis, path: Path) -> Path:
    """One row per frame, units in the column names."""
    return write_csv(path, result.rows, list(result.rows[0]))


def write_events_csv(result: TrajectoryAnalysis, path: Path) -> Path:
    """One row per detach / attach / expel / coalescence event."""
    times = [row["time_ps"] for row in result.rows]
    rows = (
        [
            e.frame,
            times[e.frame],
            str(e.kind),
            len(e.atoms),
            e.completed_frame,
            " ".join(map(str, e.atoms)),
        ]
        for e in result.events
    )
    return write_csv(path, rows, EVENT_COLUMNS)
