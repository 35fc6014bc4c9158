"""Files of a trajectory analysis: frames.csv, events.csv, rates.csv, twins.csv, necks.csv
(and the labelled frames), written the same way by `aucluster analyze` and by the workflows."""

from pathlib import Path

from aucluster.analysis.exchange import RATE_COLUMNS
from aucluster.analysis.timeseries import TrajectoryAnalysis
from aucluster.store import write_csv

EVENT_COLUMNS = ("frame", "time_ps", "kind", "n_atoms", "site_coordination", "outcome", "atoms")
TWIN_COLUMNS = ("frame", "time_ps", "twin", "height_A", "n_atoms", "migration_A")
NECK_COLUMNS = ("contact_frame", "frame", "time_since_contact_ps", "neck_radius_A")


def write_frames_csv(result: TrajectoryAnalysis, path: Path) -> Path:
    """One row per frame, units in the column names."""
    return write_csv(path, result.rows, list(result.rows[0]))


def write_events_csv(result: TrajectoryAnalysis, path: Path) -> Path:
    """One row per detach / attach / expel / coalescence / grain event."""
    times = [row["time_ps"] for row in result.rows]
    rows = (
        [
            e.frame,
            times[e.frame],
            str(e.kind),
            len(e.atoms),
            e.site_coordination,
            e.outcome,
            " ".join(map(str, e.atoms)),
        ]
        for e in result.events
    )
    return write_csv(path, rows, EVENT_COLUMNS)


def write_tables(result: TrajectoryAnalysis, directory: Path) -> list[Path]:
    """frames.csv, events.csv, rates.csv, twins.csv and necks.csv in `directory`."""
    return [
        write_frames_csv(result, directory / "frames.csv"),
        write_events_csv(result, directory / "events.csv"),
        write_csv(directory / "rates.csv", result.rates, RATE_COLUMNS),
        write_csv(directory / "twins.csv", result.twins, TWIN_COLUMNS),
        write_csv(directory / "necks.csv", result.necks, NECK_COLUMNS),
    ]
