"""The claims study (`aucluster run workflows/claims.toml --smoke`): every number of claims.csv
is recomputed here from the member runs' own files with scipy directly, the intervals hold
their medians, a swapped arm flips the effect, and bad study files are refused."""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from aucluster.cli import main
from aucluster.errors import ParameterError
from aucluster.workflow import claims as cl

STUDY = Path(__file__).parents[2] / "workflows" / "claims.toml"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def smoke_study(tmp_path_factory):
    out = tmp_path_factory.mktemp("claims") / "run"
    result = CliRunner().invoke(
        main, ["run", str(STUDY), "--smoke", "-o", str(out), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    return out


def _metric_from_files(run: Path, metric: str) -> float:
    """Each metric from the member's files, written out again here (not the package's code)."""
    frames = _rows(run / "analysis" / "frames.csv")
    quarter = max(1, len(frames) // 4)
    gain_columns = {
        "interior_crystalline_gain": "crystalline_fraction_interior",
        "crystalline_gain": "crystalline_fraction",
        "particle_atoms_change": "n_particle",
    }
    if metric in gain_columns:
        v = [float(r[gain_columns[metric]]) for r in frames]
        return float(np.mean(v[-quarter:]) - v[0])
    if metric == "grains_last":
        return float(frames[-1]["n_grains"])
    if metric in ("detach_rate_per_ps", "attach_rate_per_ps"):
        kind = metric.split("_")[0]
        rates = [
            r
            for r in _rows(run / "analysis" / "rates.csv")
            if r["kind"] == kind and r["site_class"] == "all"
        ]
        whole = max(rates, key=lambda r: float(r["window_end_ps"]) - float(r["window_start_ps"]))
        return float(whole["rate_per_ps"])
    column = {"area_change_nm2": "area_nm2", "grey_change": "mean_grey"}[metric]
    largest: dict[int, dict] = {}
    for r in _rows(run / "measurements.csv"):
        k = int(r["frame"])
        if k not in largest or float(r["area_nm2"]) > float(largest[k]["area_nm2"]):
            largest[k] = r
    return float(largest[max(largest)][column]) - float(largest[min(largest)][column])


def test_every_number_of_the_table_is_recomputed_from_the_member_runs(smoke_study):
    study = cl.load_study(STUDY, smoke=True)
    table = _rows(smoke_study / "claims.csv")
    assert len(table) == len(study.claims) * len(study.temperatures_K)
    for row in table:
        claim = next(c for c in study.claims if c.id == row["claim"])
        t = float(row["temperature_K"])

        def values(arm, claim=claim, t=t):
            runs = sorted((smoke_study / arm / f"T{t:g}K").glob("member-*"))
            assert len(runs) == study.replicas
            v = [_metric_from_files(r, claim.metric) for r in runs]
            return [x for x in v if math.isfinite(x)]

        x = values(claim.treatment)
        assert int(row["n_treatment"]) == len(x) == study.replicas
        assert float(row["median_treatment"]) == pytest.approx(np.median(x), abs=1e-12)
        if claim.one_sample:
            y = float(claim.control)
            above, below = sum(v > y for v in x), sum(v < y for v in x)
            k = above if claim.direction == "greater" else below
            p = (
                1.0
                if above + below == 0
                else stats.binomtest(k, above + below, 0.5, alternative="greater").pvalue
            )
            control_median = y
        else:
            yv = values(claim.control)
            assert int(row["n_control"]) == len(yv)
            p = stats.mannwhitneyu(x, yv, alternative=claim.direction).pvalue
            control_median = float(np.median(yv))
            u = stats.mannwhitneyu(x, yv).statistic
            assert float(row["rank_biserial"]) == pytest.approx(
                2 * u / (len(x) * len(yv)) - 1, abs=1e-12
            )
        assert float(row["median_control"]) == pytest.approx(control_median, abs=1e-12)
        assert float(row["effect"]) == pytest.approx(np.median(x) - control_median, abs=1e-12)
        assert float(row["p_one_sided"]) == pytest.approx(p, abs=1e-12)
        # the intervals hold their medians (and the effect's its point)
        for what in ("treatment", "control"):
            lo, hi = float(row[f"ci_low_{what}"]), float(row[f"ci_high_{what}"])
            assert lo <= float(row[f"median_{what}"]) <= hi
        assert float(row["effect_ci_low"]) <= float(row["effect"]) <= float(row["effect_ci_high"])
        # the verdict follows the written rule from the numbers in the row
        sign = 1 if claim.direction == "greater" else -1
        near, far = sorted(
            (sign * float(row["effect_ci_low"]), sign * float(row["effect_ci_high"]))
        )
        expected = (
            "supported"
            if p < 0.05 and near > 0
            else "not supported"
            if far < claim.min_effect
            else "inconclusive"
        )
        assert row["verdict"] == expected
    assert (smoke_study / "claims.png").stat().st_size > 0
    assert "| C4b |" in (smoke_study / "claims.md").read_text()


def test_a_swapped_arm_flips_the_effect(smoke_study):
    study = cl.load_study(STUDY, smoke=True)
    values = cl.member_values(study, smoke_study)
    data = study.to_dict()
    for c in data["claims"]:
        if isinstance(c["control"], str):
            c["treatment"], c["control"] = c["control"], c["treatment"]
    swapped = cl.study_from_dict(data)
    before = {(r["claim"], r["temperature_K"]): r for r in cl.claim_rows(study, values)}
    after = {(r["claim"], r["temperature_K"]): r for r in cl.claim_rows(swapped, values)}
    flipped = 0
    for key, row in before.items():
        claim = next(c for c in study.claims if c.id == key[0])
        if claim.one_sample:
            continue
        assert after[key]["effect"] == pytest.approx(-row["effect"], abs=1e-12)
        assert after[key]["rank_biserial"] == pytest.approx(-row["rank_biserial"], abs=1e-12)
        flipped += row["effect"] != 0
    assert flipped > 0  # the smoke runs differ somewhere, so a sign did flip


def test_a_rerun_resumes_and_another_study_is_refused(smoke_study, tmp_path):
    again = CliRunner().invoke(main, ["run", str(STUDY), "--smoke", "-o", str(smoke_study)])
    assert again.exit_code == 0, again.output
    other = tmp_path / "other.toml"
    other.write_text(STUDY.read_text().replace("replicas = 3", "replicas = 2"))
    refused = CliRunner().invoke(main, ["run", str(other), "--smoke", "-o", str(smoke_study)])
    assert refused.exit_code == 2
    assert "holds another study" in refused.output


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('metric = "grains_last"', 'metric = "grain_count"', "metric 'grain_count'"),
        ('control = "held"', 'control = "hold"', "is not an arm"),
        ('direction = "less"', 'direction = "smaller"', "'greater' or 'less'"),
        ("min_effect = 1.0", "min_effect = 0.0", "must be > 0"),
        ("temperatures_K = [550.0, 600.0]", "temperatures_K = []", "temperatures_K"),
        ("duration_ps = 40\n", "duration_ps = 40\nprogram = [[0, 500], [40, 500]]\n", "program"),
    ],
)
def test_bad_study_files_are_refused_before_any_work(tmp_path, old, new, message):
    text = STUDY.read_text()
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace("[", r"\[")):
        cl.load_study(bad)
    result = CliRunner().invoke(main, ["run", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output.startswith("Error:")
    assert not (tmp_path / "out").exists()


def test_the_verdict_rule():
    iv = cl.Interval
    assert cl.verdict(0.01, iv(0.1, 0.5), "greater", 0.2) == "supported"
    assert cl.verdict(0.01, iv(-0.5, -0.1), "less", 0.2) == "supported"
    assert cl.verdict(0.2, iv(-0.3, 0.1), "greater", 0.2) == "not supported"
    assert cl.verdict(0.2, iv(-0.1, 0.4), "greater", 0.2) == "inconclusive"
    assert cl.verdict(0.2, iv(-0.4, 0.1), "less", 0.2) == "inconclusive"


def test_an_arm_of_one_value_has_no_effect_interval_and_no_verdict_either_way():
    effect = cl.effect_interval([0.1, 0.2, 0.3], [0.0])
    assert math.isnan(effect.low)
    assert math.isnan(effect.high)
    assert cl.verdict(0.01, effect, "greater", 0.05) == "inconclusive"
    assert cl.effect_interval([0.2, 0.2], [0.1]) == cl.Interval(
        pytest.approx(0.1), pytest.approx(0.1)
    )


def test_an_arm_whose_pocket_cannot_hold_its_particle_is_refused_before_any_member_runs(tmp_path):
    # The first full-size launch ran 60 members, then every coalescence member failed: four
    # Ih55 satellites on a 15 Å host reach 29.2 Å, and the 28 Å pocket has no room for a cloud.
    text = STUDY.read_text()
    old = "radius = 40.0"
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, "radius = 28.0"))
    result = CliRunner().invoke(main, ["run", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: [arms.coalescence] at 550 K, replica 0:")
    assert "smaller than the particle" in last
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
