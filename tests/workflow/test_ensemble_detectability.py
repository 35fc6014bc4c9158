"""Ensembles over Dask and the detectability study."""

import csv
from pathlib import Path

import pytest

from aucluster.errors import ParameterError
from aucluster.workflow import (
    DetectabilitySettings,
    detectability,
    load_scenario,
    run_ensemble,
    summarise_detectability,
)
from aucluster.workflow.ensemble import members, parse_sweep

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


@pytest.mark.slow
def test_replicas_run_as_dask_tasks_with_their_own_seeds(tmp_path):
    scenario = load_scenario(WORKFLOWS / "coalescence.toml", smoke=True)
    path = run_ensemble(scenario, tmp_path / "ens", replicas=2, workers=2)
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["seed"] for r in rows] == ["1", "2"]
    assert all((tmp_path / "ens" / r["member"] / "report.md").exists() for r in rows)
    assert all(0.0 <= float(r["crystalline_fraction_last"]) <= 1.0 for r in rows)


def test_sweep_members_are_the_product_of_values_and_replicas():
    scenario = load_scenario(WORKFLOWS / "maturation.toml", smoke=True)
    sweep = parse_sweep(["md.cloud.supersaturation=1.0,1.5", "md.wall.radius=15,18"])
    grid = members(scenario, 2, sweep)
    assert len(grid) == 8
    assert {(s.md.cloud.supersaturation, s.md.wall.radius, s.seed) for s, _ in grid} == {  # type: ignore[union-attr]
        (s, r, seed) for s in (1.0, 1.5) for r in (15, 18) for seed in (1, 2)
    }
    with pytest.raises(ParameterError, match=r"table\.key"):
        parse_sweep(["mu"])
    with pytest.raises(ParameterError, match="not a number"):
        parse_sweep(["md.cloud.supersaturation=high"])


@pytest.mark.slow
def test_detectability_single_crystal_is_never_called_polycrystalline_at_high_dose():
    # A low-index single crystal shows at most 4 fringe sets (issue 7's rule), whatever the
    # orientation: at 10⁵ e/Å² it must not be called polycrystalline.
    grid = DetectabilitySettings(
        radii_A=(12.0,), grains=(1, 4), doses_e_per_A2=(1e5, 149.0), orientations=2
    )
    rows = detectability(grid, seed=0)
    assert len(rows) == 2 * 2 * 2
    single = [r for r in rows if r["grains_built"] == 1]
    assert {r["cna_grains"] for r in single} == {1}
    assert all(r["fft_verdict"] != "polycrystalline" for r in single if r["dose_e_per_A2"] == 1e5)
    summary = summarise_detectability(rows)
    assert [(s["radius_A"], s["dose_e_per_A2"]) for s in summary] == [(12.0, 1e5), (12.0, 149.0)]
    for s in summary:  # each rate is the share of its frames, counted here from the rows
        mine = [r for r in rows if r["dose_e_per_A2"] == s["dose_e_per_A2"]]
        single = [r for r in mine if r["cna_grains"] == 1]
        poly = [r for r in mine if r["cna_grains"] > 1]
        called = sum(r["fft_verdict"] == "polycrystalline" for r in single) / len(single)
        missed = sum(r["fft_verdict"] != "polycrystalline" for r in poly) / len(poly)
        assert (s["n_single_crystal_frames"], s["n_polycrystal_frames"]) == (2, 2)
        assert float(s["single_called_polycrystalline"]) == pytest.approx(called)
        assert float(s["polycrystal_called_mono"]) == pytest.approx(missed)
