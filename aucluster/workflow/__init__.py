"""Scenarios end to end: `workflows/*.toml` → build → MD → analysis → movie → measurements →
report (`run_scenario`), ensembles over Dask (`run_ensemble`), and the FFT-against-CNA
detectability study (`detectability`)."""

from aucluster.workflow.detectability import detectability, summarise_detectability
from aucluster.workflow.ensemble import run_ensemble
from aucluster.workflow.pipeline import RunResult, run_scenario
from aucluster.workflow.scenario import Scenario, load_scenario, scenario_from_dict

__all__ = [
    "RunResult",
    "Scenario",
    "detectability",
    "load_scenario",
    "run_ensemble",
    "run_scenario",
    "scenario_from_dict",
    "summarise_detectability",
]
