"""Files of a trajectory analysis: frames.csv, events.csv (and the labelled frames), written
the same way by `aucluster analyze` and by the workflows."""

import csv
from pathlib import Path

from aucluster.analysis.timeseries import TrajectoryAnalysis
from aucluster.store import atomic_output

EVENT_COLUMNS = ("frame", "time_ps", "kind", "n_atoms", "completed_frame", "atoms")


def write_frames_csv(result: TrajectoryAnalysis, path: Path) -> Path:
    """One row per frame, units in the column names."""
    with atomic_output(path) as tmp, open(tmp, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(result.rows[0]))
        writer.writeheader()
        writer.writerows(result.rows)
    return path


def write_events_csv(result: TrajectoryAnalysis, path: Path) -> Path:
    """One row per detach / attach / expel / coalescence event."""
    times = [row["time_ps"] for row in result.rows]
    with atomic_output(path) as tmp, open(tmp, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(EVENT_COLUMNS)
        for e in result.events:
            out.writerow(
                [
                    e.frame,
                    times[e.frame],
                    str(e.kind),
                    len(e.atoms),
                    e.completed_frame,
                    " ".join(map(str, e.atoms)),
                ]
            )
    return path
