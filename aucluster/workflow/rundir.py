"""A scenario's run directory: its file names, the scenario it holds, the starting structure
and the trajectory. Every other workflow module finds its files through these names.

Run directory::

    scenario.json             the scenario as run (smoke merged, seed)
    initial.extxyz            starting structure
    md/                       MD run directory (trajectory.traj, log.csv, run.json, ...)
    analysis/frames.csv, events.csv, rates.csv, twins.csv, necks.csv, timeseries.png,
                              snapshots.extxyz (the labelled frames the report draws)
    movie.tif, movie.gif      simulated ADF-STEM movie at the scenario's dose
    measurements.csv, .png    the paper's measurements on the simulated movie
    detectability.csv         FFT verdict against CNA (scenarios with [detectability])
    detectability_summary.csv  … per size, dose, frame sum and truth class, Wilson CIs
    detectability_roc.csv     … polycrystals and single crystals called so, per spot threshold
    snapshots.png, fft_vs_cna.png, report.md, report.html
"""

import json
from pathlib import Path
from typing import Any

from ase import Atoms
from ase.io import read, write

from aucluster.errors import ParameterError
from aucluster.md.rundir import TRAJECTORY
from aucluster.store import atomic_output
from aucluster.store.files import write_json

SCENARIO_JSON = "scenario.json"
INITIAL = "initial.extxyz"
MD_DIR = "md"
ANALYSIS_DIR = "analysis"
FRAMES_CSV = f"{ANALYSIS_DIR}/frames.csv"
EVENTS_CSV = f"{ANALYSIS_DIR}/events.csv"
RATES_CSV = f"{ANALYSIS_DIR}/rates.csv"
TWINS_CSV = f"{ANALYSIS_DIR}/twins.csv"
NECKS_CSV = f"{ANALYSIS_DIR}/necks.csv"
TIMESERIES_PNG = f"{ANALYSIS_DIR}/timeseries.png"
#: The frames the report's snapshot figure shows, with their per-atom CNA codes (``cna``).
SNAPSHOT_FRAMES = f"{ANALYSIS_DIR}/snapshots.extxyz"
#: Every file the analysis stage writes (it is redone unless all are there).
ANALYSIS_FILES = (
    FRAMES_CSV,
    EVENTS_CSV,
    RATES_CSV,
    TWINS_CSV,
    NECKS_CSV,
    SNAPSHOT_FRAMES,
    TIMESERIES_PNG,
)
MOVIE_TIF = "movie.tif"
MOVIE_GIF = "movie.gif"
MEASUREMENTS_CSV = "measurements.csv"
MEASUREMENTS_PNG = "measurements.png"
DETECTABILITY_CSV = "detectability.csv"
DETECTABILITY_SUMMARY_CSV = "detectability_summary.csv"
DETECTABILITY_ROC_CSV = "detectability_roc.csv"
STABILITY_DB = "stability.db"
STABILITY_CSV = "stability.csv"
STABILITY_CROSSOVERS_CSV = "stability_crossovers.csv"
STABILITY_PNG = "stability.png"
SNAPSHOTS_PNG = "snapshots.png"
FFT_VS_CNA_PNG = "fft_vs_cna.png"
REPORT_MD = "report.md"
REPORT_HTML = "report.html"


def claim_directory(scenario: dict[str, Any], out: Path) -> None:
    """Record `scenario` (its `to_dict`) in the empty directory `out`, or check that `out`
    already holds a run of the same scenario; anything else is refused."""
    stored = out / SCENARIO_JSON
    if stored.exists():
        try:
            previous = json.loads(stored.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ParameterError(
                f"{str(stored)!r} is damaged ({exc}): the run in {str(out)!r} cannot be "
                "continued; choose another directory"
            ) from None
        if previous != scenario:
            raise ParameterError(
                f"{str(out)!r} holds a run of a different scenario (or size or seed); "
                "choose another directory"
            )
    elif any(out.iterdir()):
        raise ParameterError(f"{str(out)!r} is not empty and holds no aucluster run")
    else:
        write_json(stored, scenario)


def read_initial(out: Path) -> Atoms:
    atoms = read(out / INITIAL)
    assert isinstance(atoms, Atoms)
    return atoms


def write_initial(atoms: Atoms, out: Path) -> None:
    with atomic_output(out / INITIAL) as tmp:
        write(tmp, atoms, format="extxyz")


def trajectory(out: Path) -> list[Atoms]:
    """Every frame of the run's MD trajectory."""
    return list(read(out / MD_DIR / TRAJECTORY, index=":"))


def snapshot_picks(n_frames: int) -> list[int]:
    """Frames the snapshot figure shows: first, middle and last."""
    return sorted({0, n_frames // 2, n_frames - 1})
