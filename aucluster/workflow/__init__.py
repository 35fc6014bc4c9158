"""Scenarios end to end: `workflows/*.toml` → build → MD → analysis → movie → measurements →
report (`run_scenario`), ensembles over Dask (`run_ensemble`), and the FFT-against-CNA
detectability study (`detectability`).

Modules, each importing only those before it: `scenario` (typed settings) ← `rundir` (file
names, initial structure, trajectory) ← `stages` ← `summary` (`summarise_run`) ← `report` ←
`pipeline` ← `ensemble`; `detectability` is a study the scenario and a stage use.
"""

from aucluster.workflow.detectability import (
    DetectabilitySettings,
    detectability,
    summarise_detectability,
)
from aucluster.workflow.ensemble import run_ensemble
from aucluster.workflow.pipeline import RunResult, run_scenario
from aucluster.workflow.scenario import (
    MovieSettings,
    Scenario,
    ScenarioKind,
    load_scenario,
    scenario_from_dict,
)
from aucluster.workflow.summary import RunSummary, summarise_run

__all__ = [
    "DetectabilitySettings",
    "MovieSettings",
    "RunResult",
    "RunSummary",
    "Scenario",
    "ScenarioKind",
    "detectability",
    "load_scenario",
    "run_ensemble",
    "run_scenario",
    "scenario_from_dict",
    "summarise_detectability",
    "summarise_run",
]
