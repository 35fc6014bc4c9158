"""`run_scenario`: build → MD → analysis → movie → measurements → (detectability) → report,
into one run directory (`rundir`), resumable.

Each stage writes its files atomically and is skipped when they already exist; the MD stage
resumes from its last checkpoint (`aucluster.md.resume_md`, exact). So a run killed at any
point and started again with the same command finishes with the same files, report
included, as a run never interrupted. A directory holding another scenario is refused.
"""

from dataclasses import dataclass
from pathlib import Path

from aucluster.md.runner import check_start
from aucluster.parallel import BatchCluster
from aucluster.store.files import make_output_dir
from aucluster.store.provenance import provenance_record
from aucluster.workflow import rundir as rd
from aucluster.workflow import stages
from aucluster.workflow.report import write_report
from aucluster.workflow.scenario import Scenario, ScenarioKind
from aucluster.workflow.stages import Log


@dataclass(frozen=True)
class RunResult:
    directory: Path
    report: Path
    stages_run: list[str]


def run_scenario(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    scheduler: "str | BatchCluster | None" = None,
    workers: int | None = None,
    log: Log | None = None,
    md_observers=(),
) -> RunResult:
    """Run (or finish) `scenario` into `out_dir`; see the module notes."""
    say = log or (lambda _msg: None)
    initial = None
    if scenario.structure is not None and not (Path(out_dir) / rd.INITIAL).exists():
        # build and check the MD's start first: a structure that cannot be built (a cloud
        # too dense) or run (its pocket inside the particle, overlapping atoms) leaves nothing
        initial = scenario.structure.build(scenario.seed)
        if scenario.md is not None:
            check_start(initial, scenario.md)
    out = make_output_dir(out_dir)
    rd.claim_directory(scenario.to_dict(), out)
    record = provenance_record(settings=scenario.to_dict(), seed=scenario.seed)
    ran: list[str] = []
    if scenario.kind is ScenarioKind.STABILITY:
        ran += stages.stability_stage(
            scenario, out, record, say, scheduler=scheduler, workers=workers
        )
    else:
        ran += stages.structure_stage(scenario, out, say, initial)
        ran += stages.md_stage(scenario, out, say, md_observers)
        ran += stages.analysis_stage(scenario, out, record, say)
        ran += stages.movie_stage(scenario, out, record, say)
        if scenario.detectability is not None:
            ran += stages.detectability_stage(
                scenario, out, record, say, scheduler=scheduler, workers=workers
            )
    report = out / rd.REPORT_MD
    if not report.exists() or ran:
        write_report(scenario, out, record)
        ran.append("report")
        say(f"report → {report}")
    return RunResult(directory=out, report=report, stages_run=ran)


__all__ = ["RunResult", "run_scenario"]
