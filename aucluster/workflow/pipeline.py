"""`run_scenario`: build → MD → analysis → movie → measurements → (detectability) → report,
into one run directory, resumable.

Each stage writes its files atomically and is skipped when they already exist; the MD stage
resumes from its last checkpoint (`aucluster.md.resume_md`, exact). So a run killed at any
point and started again with the same command finishes with the same files, report
included, as a run never interrupted. A directory holding another scenario is refused.

Run directory::

    scenario.json             the scenario as run (smoke merged, seed)
    initial.extxyz            starting structure
    md/                       MD run directory (trajectory.traj, log.csv, run.json, ...)
    analysis/frames.csv, events.csv, timeseries.png
    movie.tif, movie.gif      simulated ADF-STEM movie at the scenario's dose
    measurements.csv, .png    the paper's measurements on the simulated movie
    detectability.csv         FFT verdict against CNA (scenarios with [detectability])
    snapshots.png, fft_vs_cna.png, report.md, report.html
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ase.io import read, write

from aucluster.errors import ParameterError
from aucluster.imaging import (
    AcquisitionSettings,
    ImagingSettings,
    ScanSettings,
    orientation_rotation,
)
from aucluster.md import MDSettings
from aucluster.md.settings import settings_from_dict
from aucluster.store import atomic_output
from aucluster.store.files import make_output_dir, write_json
from aucluster.store.provenance import provenance_record
from aucluster.workflow.scenario import Scenario

Log = Callable[[str], None]


def md_settings(scenario: Scenario) -> MDSettings:
    data = dict(scenario.md)
    data.setdefault("seed", scenario.seed)
    return settings_from_dict(data)


def imaging_settings(scenario: Scenario) -> ImagingSettings:
    im = scenario.imaging
    size = int(im.get("size_px", 256))
    return ImagingSettings(
        scan=ScanSettings(pixel_size=float(im.get("pixel_size_A", 0.2)), shape=(size, size)),
        acquisition=AcquisitionSettings(
            dose=float(im.get("dose_e_per_A2", AcquisitionSettings().dose)),
            frame_time_s=float(im.get("frame_time_s", AcquisitionSettings().frame_time_s)),
        ),
    )


@dataclass(frozen=True)
class RunResult:
    directory: Path
    report: Path
    stages_run: list[str]


def _check_directory(scenario: Scenario, out: Path) -> None:
    stored = out / "scenario.json"
    if stored.exists():
        if json.loads(stored.read_text()) != scenario.to_dict():
            raise ParameterError(
                f"{str(out)!r} holds a run of a different scenario (or size or seed); "
                "choose another directory"
            )
    elif any(out.iterdir()):
        raise ParameterError(f"{str(out)!r} is not empty and holds no aucluster run")
    else:
        write_json(stored, scenario.to_dict())


def run_scenario(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    log: Log | None = None,
    md_observers=(),
) -> RunResult:
    """Run (or finish) `scenario` into `out_dir`; see the module notes."""
    say = log or (lambda _msg: None)
    initial = None
    if scenario.kind == "md" and not (Path(out_dir) / "initial.extxyz").exists():
        # build first: a structure that cannot be built (a cloud too dense) leaves no directory
        from aucluster.workflow.build import build_structure

        initial = build_structure(scenario.structure, seed=scenario.seed)
    out = make_output_dir(out_dir)
    _check_directory(scenario, out)
    record = provenance_record(settings=scenario.to_dict(), seed=scenario.seed)
    ran: list[str] = []
    if scenario.kind == "stability":
        from aucluster.workflow.stages import stability_stage

        ran += stability_stage(scenario, out, record, say, scheduler=scheduler, workers=workers)
    else:
        from aucluster.workflow import stages

        ran += stages.structure_stage(scenario, out, say, initial)
        ran += stages.md_stage(scenario, out, say, md_observers)
        ran += stages.analysis_stage(scenario, out, record, say)
        ran += stages.movie_stage(scenario, out, record, say)
        if scenario.detectability:
            ran += stages.detectability_stage(scenario, out, record, say)
    from aucluster.workflow.report import write_report

    report = out / "report.md"
    if not report.exists() or ran:
        write_report(scenario, out, record)
        ran.append("report")
        say(f"report → {report}")
    return RunResult(directory=out, report=report, stages_run=ran)


def read_initial(out: Path):
    return read(out / "initial.extxyz")


def write_initial(atoms, out: Path) -> None:
    with atomic_output(out / "initial.extxyz") as tmp:
        write(tmp, atoms, format="extxyz")


def movie_rotation(scenario: Scenario):
    return orientation_rotation(seed=int(scenario.imaging.get("orientation_seed", scenario.seed)))


__all__ = ["RunResult", "imaging_settings", "md_settings", "movie_rotation", "run_scenario"]
