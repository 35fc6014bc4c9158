"""The stages of `run_scenario`, each skipped when its files exist (see pipeline.py)."""

import csv
import shutil
from pathlib import Path

from ase.io import read

from aucluster.analysis import analyze_trajectory
from aucluster.analysis.output import write_events_csv, write_frames_csv
from aucluster.analysis.plot import plot_timeseries
from aucluster.compare.movie import MEASUREMENT_COLUMNS, measure_movie, plot_measurements
from aucluster.imaging import simulate_movie, write_animation, write_tiff
from aucluster.md import resume_md, run_md
from aucluster.md.rundir import RUN_JSON, TRAJECTORY, read_run_json
from aucluster.store import atomic_output, write_provenance
from aucluster.store.files import make_output_dir
from aucluster.workflow.build import build_structure
from aucluster.workflow.pipeline import (
    imaging_settings,
    md_settings,
    movie_rotation,
    read_initial,
    write_initial,
)
from aucluster.workflow.scenario import Scenario


def structure_stage(scenario: Scenario, out: Path, say, atoms=None) -> list[str]:
    """The starting structure (`atoms` if the caller built it already)."""
    if (out / "initial.extxyz").exists():
        return []
    if atoms is None:
        atoms = build_structure(scenario.structure, seed=scenario.seed)
    write_initial(atoms, out)
    say(f"structure: {len(atoms)} atoms ({scenario.structure['builder']})")
    return ["structure"]


def md_stage(scenario: Scenario, out: Path, say, observers=()) -> list[str]:
    md_dir = out / "md"
    if (md_dir / RUN_JSON).exists():
        if read_run_json(md_dir).get("status") == "completed":
            return []
        say("md: resuming from the last checkpoint")
        resume_md(md_dir, observers=observers)
        return ["md"]
    if md_dir.exists():  # killed before the run directory was complete: start it again
        shutil.rmtree(md_dir)
    settings = md_settings(scenario)
    say(f"md: {settings.total_steps} steps of {settings.timestep_fs} fs")
    run_md(read_initial(out), settings, directory=md_dir, observers=observers)
    return ["md"]


def trajectory(out: Path) -> list:
    return list(read(out / "md" / TRAJECTORY, index=":"))


def analysis_stage(scenario: Scenario, out: Path, record, say) -> list[str]:
    target = out / "analysis"
    if (target / "timeseries.png").exists():
        return []
    frames = trajectory(out)
    window = int(scenario.analysis.get("lindemann_window", 10))
    result = analyze_trajectory(frames, lindemann_window=window)  # NaN while no block is full
    make_output_dir(target)
    paths = [
        write_frames_csv(result, target / "frames.csv"),
        write_events_csv(result, target / "events.csv"),
    ]
    with atomic_output(target / "timeseries.png") as tmp:
        plot_timeseries(result.rows, tmp, title=f"{scenario.name}: {len(frames)} frames")
    paths.append(target / "timeseries.png")
    for path in paths:
        write_provenance(path, record)
    say(f"analysis: {len(frames)} frames, {len(result.events)} events")
    return ["analysis"]


def _snapshots_per_frame(scenario: Scenario, n_snapshots: int) -> int:
    return max(1, min(int(scenario.imaging.get("snapshots_per_frame", 1)), n_snapshots))


def movie_stage(scenario: Scenario, out: Path, record, say) -> list[str]:
    """The simulated movie (TIFF + GIF) and the paper's measurements on it: one stage, so a
    resumed run never needs to read the movie back (the simulation is seeded)."""
    if (out / "measurements.png").exists():
        return []
    frames = trajectory(out)
    k = _snapshots_per_frame(scenario, len(frames))
    movie = simulate_movie(
        frames,
        imaging_settings(scenario),
        seed=scenario.seed,
        rotation=movie_rotation(scenario),
        snapshots_per_frame=k,
    )
    write_tiff(movie, out / "movie.tif")
    write_animation(movie, out / "movie.gif")
    say(f"movie: {movie.data.shape[0]} frames of {movie.data.shape[1]}² px")
    rows, empty = measure_movie(movie)
    with atomic_output(out / "measurements.csv") as tmp, open(tmp, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MEASUREMENT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with atomic_output(out / "measurements.png") as tmp:
        plot_measurements(rows, tmp, title=f"{scenario.name}: simulated movie", timed=True)
    for name in ("movie.tif", "movie.gif", "measurements.csv", "measurements.png"):
        write_provenance(out / name, record)
    say(f"measurements: {len(rows)} particle measurements, {empty} frame(s) without a particle")
    return ["movie"]


def detectability_stage(scenario: Scenario, out: Path, record, say) -> list[str]:
    from aucluster.workflow.detectability import (
        DETECTABILITY_COLUMNS,
        SUMMARY_COLUMNS,
        detectability,
        summarise_detectability,
    )

    if (out / "detectability_summary.csv").exists():
        return []
    d = scenario.detectability
    rows = detectability(
        radii_A=d.get("radii_A", [15.0, 25.0]),
        grains=d.get("grains", [1, 4, 8]),
        doses=d.get("doses_e_per_A2", [1e5, 1e3, 149.0]),
        orientations=int(d.get("orientations", 5)),
        seed=scenario.seed,
    )
    for name, table, columns in (
        ("detectability.csv", rows, DETECTABILITY_COLUMNS),
        ("detectability_summary.csv", summarise_detectability(rows), SUMMARY_COLUMNS),
    ):
        with atomic_output(out / name) as tmp, open(tmp, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(table)
        write_provenance(out / name, record)
    say(f"detectability: {len(rows)} simulated frames (particles × orientations × doses)")
    return ["detectability"]


def stability_stage(scenario: Scenario, out: Path, record, say, *, scheduler, workers) -> list[str]:
    from aucluster.stability import compute_table
    from aucluster.stability.summary import summarise, write_outputs

    if (out / "stability.png").exists():
        return []
    s = scenario.stability
    run = compute_table(
        out / "stability.db",
        potential=s.get("potential", "emt"),
        motifs=s.get("motifs", "all"),
        max_atoms=int(s.get("max_atoms", 1000)),
        workers=workers,
        scheduler=scheduler,
    )
    summary = summarise(run.rows)
    title = f"Au, {s.get('potential', 'emt').upper()}: {len(run.rows)} clusters"
    write_outputs(
        summary, out / "stability.csv", plot_path=out / "stability.png", title=title, record=record
    )
    say(f"stability: {len(run.rows)} clusters ({run.relaxed} relaxed now)")
    return ["stability"]
