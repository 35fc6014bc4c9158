"""The stages of `run_scenario`, each skipped when its files exist (see pipeline.py). Each
takes the typed scenario and the run directory; file names come from `rundir`."""

import shutil
from collections.abc import Callable
from pathlib import Path

from ase import Atoms

from aucluster.analysis import analyze_trajectory
from aucluster.analysis.output import write_tables
from aucluster.analysis.plot import plot_timeseries
from aucluster.compare.movie import MEASUREMENT_COLUMNS, measure_movie, plot_measurements
from aucluster.errors import ParameterError
from aucluster.imaging import simulate_movie, write_animation, write_tiff
from aucluster.md import resume_md, run_md
from aucluster.md.rundir import CHECKPOINT, RUN_JSON, TRAJECTORY, read_run_json
from aucluster.stability import compute_table
from aucluster.stability.summary import summarise, write_outputs
from aucluster.store import atomic_output, write_csv, write_provenance
from aucluster.store.files import make_output_dir, write_structures
from aucluster.workflow import rundir as rd
from aucluster.workflow.detectability import (
    DETECTABILITY_COLUMNS,
    ROC_COLUMNS,
    SUMMARY_COLUMNS,
    detectability,
    summarise_detectability,
    threshold_roc,
)
from aucluster.workflow.scenario import Scenario

Log = Callable[[str], None]


def structure_stage(scenario: Scenario, out: Path, say: Log, atoms: Atoms | None = None) -> list:
    """The starting structure (`atoms` if the caller built it already)."""
    if (out / rd.INITIAL).exists():
        return []
    assert scenario.structure is not None
    if atoms is None:
        atoms = scenario.structure.build(scenario.seed)
    rd.write_initial(atoms, out)
    say(f"structure: {len(atoms)} atoms ({scenario.structure.builder})")
    return ["structure"]


def md_stage(scenario: Scenario, out: Path, say: Log, observers=()) -> list[str]:
    md_dir = out / rd.MD_DIR
    settings = scenario.md
    assert settings is not None
    if (md_dir / RUN_JSON).exists():
        if read_run_json(md_dir).get("status") == "completed":
            return []
        say("md: resuming from the last checkpoint")
        resume_md(md_dir, observers=observers)
        return ["md"]
    if md_dir.exists():
        kept = [n for n in (TRAJECTORY, CHECKPOINT) if (md_dir / n).exists()]
        if kept:  # MD work without its record: never delete it
            raise ParameterError(
                f"{str(md_dir)!r} holds {' and '.join(kept)} but no {RUN_JSON}: not deleting "
                f"MD work; restore {RUN_JSON} (then the run resumes) or move {str(md_dir)!r} away"
            )
        shutil.rmtree(md_dir)  # killed before the first frame: nothing to keep, start again
    say(f"md: {settings.total_steps} steps of {settings.timestep_fs} fs")
    run_md(rd.read_initial(out), settings, directory=md_dir, observers=observers)
    return ["md"]


def analysis_stage(scenario: Scenario, out: Path, record, say: Log) -> list[str]:
    """frames.csv, events.csv, timeseries.png, and the CNA-labelled snapshot frames the
    report draws (so the report does no physics)."""
    if all((out / name).exists() for name in rd.ANALYSIS_FILES):
        return []
    frames = rd.trajectory(out)
    picks = rd.snapshot_picks(len(frames))
    snapshots: list[Atoms] = []

    def keep_snapshot(index: int, atoms: Atoms, analysis) -> None:
        if index in picks:
            frame = Atoms(atoms.get_chemical_symbols(), positions=atoms.positions)
            frame.arrays["cna"] = analysis.per_atom()["cna"]
            frame.info["time_ps"] = atoms.info.get("time_ps", index)
            snapshots.append(frame)

    assert scenario.md is not None
    # labels on each frame's inherent structure, quenched on the run's own Hamiltonian; the
    # Lindemann index is NaN while no block is full
    result = analyze_trajectory(
        frames, scenario.analysis, hamiltonian=scenario.md.hamiltonian, on_frame=keep_snapshot
    )
    make_output_dir(out / rd.ANALYSIS_DIR)
    paths = [
        *write_tables(result, out / rd.ANALYSIS_DIR),
        write_structures(out / rd.SNAPSHOT_FRAMES, snapshots),
    ]
    with atomic_output(out / rd.TIMESERIES_PNG) as tmp:
        plot_timeseries(result.rows, tmp, title=f"{scenario.name}: {len(frames)} frames")
    paths.append(out / rd.TIMESERIES_PNG)
    for path in paths:
        write_provenance(path, record)
    say(f"analysis: {len(frames)} frames, {len(result.events)} events")
    return ["analysis"]


#: What the movie stage writes: a run missing any of them redoes the stage.
MOVIE_FILES = (rd.MOVIE_TIF, rd.MOVIE_GIF, rd.MEASUREMENTS_CSV, rd.MEASUREMENTS_PNG)


def _done(out: Path, names) -> bool:
    """Whether every file a stage promises is there (with its provenance record)."""
    return all((out / n).exists() and (out / f"{n}.provenance.json").exists() for n in names)


def snapshots_per_frame(scenario: Scenario, n_snapshots: int) -> int:
    """MD snapshots per movie frame (never more than there are)."""
    return max(1, min(scenario.imaging.snapshots_per_frame, n_snapshots))


def movie_stage(scenario: Scenario, out: Path, record, say: Log) -> list[str]:
    """The simulated movie (TIFF + GIF) and the paper's measurements on it: one stage, so a
    resumed run never needs to read the movie back (the simulation is seeded)."""
    if _done(out, MOVIE_FILES):
        return []
    frames = rd.trajectory(out)
    movie = simulate_movie(
        frames,
        scenario.imaging.imaging_settings(),
        seed=scenario.seed,
        rotation=scenario.movie_rotation(),
        snapshots_per_frame=snapshots_per_frame(scenario, len(frames)),
    )
    write_tiff(movie, out / rd.MOVIE_TIF)
    write_animation(movie, out / rd.MOVIE_GIF)
    say(f"movie: {movie.data.shape[0]} frames of {movie.data.shape[1]}² px")
    rows, empty = measure_movie(movie)
    write_csv(out / rd.MEASUREMENTS_CSV, rows, MEASUREMENT_COLUMNS)
    with atomic_output(out / rd.MEASUREMENTS_PNG) as tmp:
        plot_measurements(rows, tmp, title=f"{scenario.name}: simulated movie")
    for name in MOVIE_FILES:
        write_provenance(out / name, record)
    say(f"measurements: {len(rows)} particle measurements, {empty} frame(s) without a particle")
    return ["movie"]


def detectability_stage(
    scenario: Scenario, out: Path, record, say: Log, *, scheduler=None, workers=None
) -> list[str]:
    tables = (rd.DETECTABILITY_CSV, rd.DETECTABILITY_SUMMARY_CSV, rd.DETECTABILITY_ROC_CSV)
    if _done(out, tables):
        return []
    assert scenario.detectability is not None
    rows = detectability(
        scenario.detectability, seed=scenario.seed, workers=workers, scheduler=scheduler
    )
    for name, table, columns in (
        (rd.DETECTABILITY_CSV, rows, DETECTABILITY_COLUMNS),
        (rd.DETECTABILITY_SUMMARY_CSV, summarise_detectability(rows), SUMMARY_COLUMNS),
        (rd.DETECTABILITY_ROC_CSV, threshold_roc(rows), ROC_COLUMNS),
    ):
        write_provenance(write_csv(out / name, table, columns), record)
    say(
        f"detectability: {len(rows)} rows (particles × orientations × doses × frame sums × "
        "spot thresholds)"
    )
    return ["detectability"]


def stability_stage(scenario: Scenario, out: Path, record, say: Log, *, scheduler, workers):
    if _done(out, (rd.STABILITY_CSV, rd.STABILITY_PNG)):
        return []
    s = scenario.stability
    assert s is not None
    run = compute_table(
        out / rd.STABILITY_DB,
        potential=s.potential,
        motifs=s.motifs,
        max_atoms=s.max_atoms,
        gupta_cutoff=s.gupta_cutoff,
        workers=workers,
        scheduler=scheduler,
    )
    title = f"Au, {str(s.potential).upper()}: {len(run.rows)} clusters"
    write_outputs(
        summarise(run.rows),
        out / rd.STABILITY_CSV,
        plot_path=out / rd.STABILITY_PNG,
        title=title,
        record=record,
    )
    say(f"stability: {len(run.rows)} clusters ({run.relaxed} relaxed now)")
    return ["stability"]
