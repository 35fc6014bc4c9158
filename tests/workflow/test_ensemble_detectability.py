"""Ensembles over Dask and the detectability study."""

import csv
from pathlib import Path

import numpy as np
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
    # A low-index single crystal shows at most 4 fringe sets and one lattice (issue 7's
    # rule), whatever the orientation: at 10⁵ e/Å² it must not be called polycrystalline.
    grid = DetectabilitySettings(
        radii_A=(12.0,), grains=(1, 4), doses_e_per_A2=(1e5, 149.0), orientations=2
    )
    rows = detectability(grid, seed=0)
    assert len(rows) == 2 * 2 * 2
    single = [r for r in rows if r["grains_built"] == 1]
    assert {r["cna_grains"] for r in single} == {1}
    assert {(r["cna_motif"], r["truth"]) for r in single} == {("single-fcc", "single crystal")}
    assert all(r["fft_verdict"] != "polycrystalline" for r in single if r["dose_e_per_A2"] == 1e5)
    assert all(r["n_lattice_orientations"] <= r["n_fringe_sets"] for r in rows)
    summary = summarise_detectability(rows)
    keys = {(s["radius_A"], s["dose_e_per_A2"], s["truth"]) for s in summary}
    assert {(r["radius_A"], r["dose_e_per_A2"], r["truth"]) for r in rows} == keys
    for s in summary:  # each rate is the share of its frames, counted here from the rows
        mine = [
            r
            for r in rows
            if (r["radius_A"], r["dose_e_per_A2"], r["truth"])
            == (s["radius_A"], s["dose_e_per_A2"], s["truth"])
        ]
        right = {"single crystal": "crystalline", "polycrystalline": "polycrystalline"}
        called = sum(r["fft_verdict"] == "polycrystalline" for r in mine)
        named = sum(r["fft_verdict"] == right.get(s["truth"], s["truth"]) for r in mine)
        assert s["n_frames"] == len(mine)
        assert float(s["called_polycrystalline"]) == pytest.approx(called / len(mine), abs=0.005)
        assert float(s["called_as_truth"]) == pytest.approx(named / len(mine), abs=0.005)


def test_wilson_interval_matches_the_closed_form():
    # Wilson (1927): centre (k + z²/2)/(n + z²), half-width z√(k(n−k)/n + z²/4)/(n + z²)
    from aucluster.workflow.detectability import wilson_interval

    z = 1.959963984540054
    for k, n in ((8, 8), (1, 4), (0, 5), (37, 100)):
        centre = (k + z * z / 2) / (n + z * z)
        half = z * np.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
        assert wilson_interval(k, n) == pytest.approx((centre - half, centre + half), abs=1e-9)
    assert wilson_interval(8, 8)[0] == pytest.approx(0.676, abs=1e-3)  # issue 19's [0.68, 1]
