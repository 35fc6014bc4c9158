"""Every scenario at its smoke size, end to end, with its outputs checked."""

import csv
import math
import re
import shutil
from pathlib import Path

import pytest

from aucluster.workflow import load_scenario, run_scenario
from aucluster.workflow.stages import snapshots_per_frame

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
MD_SCENARIOS = ("condensation", "maturation", "attachment", "coalescence")


def _rows(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Each md scenario run once at smoke size (shared by the checks below)."""
    base = tmp_path_factory.mktemp("runs")
    return {
        name: run_scenario(load_scenario(WORKFLOWS / f"{name}.toml", smoke=True), base / name)
        for name in MD_SCENARIOS
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", MD_SCENARIOS)
def test_md_scenario_smoke_outputs(runs, name):
    out = runs[name].directory
    for f in (
        "scenario.json",
        "initial.extxyz",
        "md/trajectory.traj",
        "md/log.csv",
        "analysis/frames.csv",
        "analysis/events.csv",
        "analysis/timeseries.png",
        "movie.tif",
        "movie.gif",
        "measurements.csv",
        "measurements.png",
        "snapshots.png",
        "report.md",
        "report.html",
        "report.md.provenance.json",
    ):
        assert (out / f).stat().st_size > 0, f
    frames = _rows(out / "analysis" / "frames.csv")
    assert {"time_ps", "crystalline_fraction", "n_grains", "n_cloud", "core_radius_A"} <= set(
        frames[0]
    )
    for row in frames:
        assert 0.0 <= float(row["crystalline_fraction"]) <= 1.0
        assert int(row["n_grains"]) >= 0
        assert math.isfinite(float(row["time_ps"]))
    log = _rows(out / "md" / "log.csv")
    temps = [float(r["temperature_K"]) for r in log[1:]]
    assert all(100.0 < t < 1500.0 for t in temps)  # Langevin at 300–650 K, never blown up
    measured = _rows(out / "measurements.csv")
    assert measured, "no particle found in the simulated movie"
    assert {"time_s", "area_nm2", "mean_grey", "fft_verdict"} <= set(measured[0])
    for row in measured:
        assert 0.5 <= float(row["area_nm2"]) < 100.0  # nm²: a few-nm particle
        assert float(row["mean_grey"]) > 0.0
    report = (out / "report.md").read_text()
    assert "![" in report
    assert "CNA" in report
    assert "| cloud model | S = " in report  # every MD scenario runs on the cloud model
    assert str(out) not in report  # no absolute paths: reports compare across directories


#: What labels a time in seconds (issue 17: MD time is never relabelled as seconds).
SECONDS = re.compile(r"\[s\]|time_s|\d\s?s\b|\bseconds?\b", re.IGNORECASE)


@pytest.mark.slow
@pytest.mark.parametrize("name", MD_SCENARIOS)
def test_nothing_labels_md_time_as_seconds(runs, name):
    """The report, the movie's TIFF metadata and the measurements are on MD time: grep them
    for a time in seconds. The one exception is the exposure, said as such."""
    import tifffile

    out = runs[name].directory
    report = (out / "report.md").read_text()
    exposure = "Each frame has the dose of one 0.5 s exposure"
    assert exposure in report
    assert "Time axis: MD time in ps" in report
    assert not SECONDS.search(report.replace(exposure, "")), SECONDS.findall(report)
    with tifffile.TiffFile(out / "movie.tif") as handle:
        meta = handle.imagej_metadata
        description = handle.pages[0].description
    assert meta["tunit"] == "ps"
    frames = _rows(out / "analysis" / "frames.csv")
    scenario = load_scenario(WORKFLOWS / f"{name}.toml", smoke=True)
    k = snapshots_per_frame(scenario, len(frames))
    step = float(frames[1]["time_ps"]) - float(frames[0]["time_ps"])
    assert meta["finterval"] == pytest.approx(k * step)  # the MD interval between frames
    assert "MD time [ps]" in meta["Info"]
    assert not SECONDS.search(description.replace(meta["Info"], "")), description
    measured = _rows(out / "measurements.csv")
    assert all(math.isnan(float(r["time_s"])) for r in measured)
    starts = {round(float(f["time_ps"]), 6) for f in frames[::k]}  # each frame's first snapshot
    assert {round(float(r["md_time_ps"]), 6) for r in measured} <= starts


@pytest.mark.slow
def test_maturation_smoke_has_the_detectability_table(runs):
    out = runs["maturation"].directory
    summary = _rows(out / "detectability_summary.csv")
    assert {r["dose_e_per_A2"] for r in summary} == {"10000.0", "149.0"}
    rows = _rows(out / "detectability.csv")
    assert {r["truth"] for r in rows} == {"single crystal", "polycrystalline"}
    assert "Detectability" in (out / "report.md").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("name", MD_SCENARIOS)
def test_a_single_seed_report_says_it_is_a_demonstration(runs, name):
    report = (runs[name].directory / "report.md").read_text()
    assert "a demonstration, not evidence" in report
    assert "docs/claims.md" in report
    assert (Path(__file__).parents[2] / "docs" / "claims.md").exists()


@pytest.mark.slow
def test_rerun_of_a_finished_run_does_nothing(runs):
    result = runs["coalescence"]
    again = run_scenario(
        load_scenario(WORKFLOWS / "coalescence.toml", smoke=True), result.directory
    )
    assert again.stages_run == []


@pytest.mark.slow
def test_a_run_missing_one_analysis_file_redoes_the_analysis(runs, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(runs["coalescence"].directory, copy)
    rates = (copy / "analysis" / "rates.csv").read_bytes()
    (copy / "analysis" / "rates.csv").unlink()
    again = run_scenario(load_scenario(WORKFLOWS / "coalescence.toml", smoke=True), copy)
    assert again.stages_run == ["analysis", "report"]
    assert (copy / "analysis" / "rates.csv").read_bytes() == rates


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["movie.tif", "measurements.csv", "movie.gif.provenance.json"])
def test_a_run_missing_one_movie_file_redoes_the_movie(runs, tmp_path, missing):
    copy = tmp_path / "copy"
    shutil.copytree(runs["coalescence"].directory, copy)
    measured = (copy / "measurements.csv").read_bytes()
    (copy / missing).unlink()
    again = run_scenario(load_scenario(WORKFLOWS / "coalescence.toml", smoke=True), copy)
    assert again.stages_run == ["movie", "report"]
    assert (copy / missing).exists()
    assert (copy / "measurements.csv").read_bytes() == measured  # seeded: the same movie


@pytest.mark.slow
def test_md_work_without_its_record_is_never_deleted(runs, tmp_path):
    from click.testing import CliRunner

    from aucluster.cli import main

    copy = tmp_path / "copy"
    shutil.copytree(runs["coalescence"].directory, copy)
    (copy / "md" / "run.json").unlink()
    kept = {n: (copy / "md" / n).read_bytes() for n in ("trajectory.traj", "checkpoint.npz")}
    toml = str(WORKFLOWS / "coalescence.toml")
    result = CliRunner().invoke(main, ["run", toml, "--smoke", "-o", str(copy)])
    assert result.exit_code == 2
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error:")
    assert "not deleting MD work" in last
    assert {n: (copy / "md" / n).read_bytes() for n in kept} == kept
    # killed before the first frame (no trajectory, no checkpoint): started again
    for name in kept:
        (copy / "md" / name).unlink()
    again = run_scenario(load_scenario(WORKFLOWS / "coalescence.toml", smoke=True), copy)
    assert "md" in again.stages_run
    assert (copy / "md" / "run.json").exists()


@pytest.mark.slow
def test_stability_scenario_smoke(tmp_path):
    result = run_scenario(load_scenario(WORKFLOWS / "stability.toml", smoke=True), tmp_path / "s")
    rows = _rows(result.directory / "stability.csv")
    assert rows
    assert all(13 <= int(r["n_atoms"]) <= 150 for r in rows)
    assert all(1.0 < float(r["delta_eV"]) < 3.0 for r in rows)  # EMT Au: Δ ≈ 1.1–1.3 eV
    assert (result.directory / "stability.png").exists()
    assert "Magic-number table" in result.report.read_text()
