"""Rates from an ensemble of runs and their Arrhenius fits (`aucluster.kinetics`), checked on
synthetic event streams whose rates are known: recovered within their intervals, intervals
that cover at their level over many draws, the fit equal to an independent minimiser of the
same likelihood and to weighted least squares in the large-count limit, replicas that differ
more than Poisson widening the interval, and the cases no fit can fix giving NaN."""

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from ase.cluster import Octahedron
from ase.io import Trajectory
from ase.units import kB
from click.testing import CliRunner
from scipy import optimize

from aucluster.cli import main
from aucluster.errors import ParameterError
from aucluster.kinetics import (
    MemberCounts,
    arrhenius_fit,
    arrhenius_rows,
    count_events,
    find_runs,
    member_counts,
    pooled_rates,
)

# Coordination numbers of the site left or joined, one per class of
# aucluster.analysis.exchange.SITE_CLASSES (adatom 0-3, edge-corner 4-6, facet-step 7-9).
SITES = {"adatom": 2, "edge-corner": 5, "facet-step": 8}


def _members(rng, temperatures, rates, exposure, replicas, s=1.0):
    """MemberCounts with detach counts ~ Poisson(rate(T) · exposure) per site class."""
    out = []
    for t in temperatures:
        for r in range(replicas):
            counts = {}
            for name, rate in rates(t).items():
                n = int(rng.poisson(rate * exposure))
                counts[("detach", name)] = n
                counts[("detach", "all")] = counts.get(("detach", "all"), 0) + n
            out.append(
                MemberCounts(
                    source=f"T{t}-{r}",
                    temperature_K=t,
                    supersaturation=s,
                    reference_temperature_K=None,
                    exposure_ps=exposure,
                    counts=counts,
                )
            )
    return out


def _write_run(
    root: Path, name: str, temperature, events, times, s=7.5, program=None, structure=None
):
    structure = structure or {"builder": "polycrystal", "radius": 15.0, "grains": 4}
    run = root / name
    (run / "analysis").mkdir(parents=True)
    program = program or [[0.0, temperature], [times[-1], temperature]]
    scenario = {
        "name": name,
        "structure": structure,
        "md": {"program": program, "cloud": {"supersaturation": s}},
    }
    (run / "scenario.json").write_text(json.dumps(scenario))
    with open(run / "analysis" / "events.csv", "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["frame", "time_ps", "kind", "n_atoms", "site_coordination", "outcome"])
        for time, kind, site in events:
            w.writerow([int(time / 2), time, kind, 1, site, ""])
    with open(run / "analysis" / "frames.csv", "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["frame", "time_ps", "n_atoms"])
        for i, time in enumerate(times):
            w.writerow([i, time, 100])
    (run / "md").mkdir()
    with Trajectory(str(run / "md" / "trajectory.traj"), "w") as traj:
        for time in times:
            particle = TO38.copy()
            particle.info["time_ps"] = time
            traj.write(particle)
    return run


# The 38-atom truncated octahedron (ideal, a = 4.08 Å): 24 vertex atoms of 6 neighbours
# (edge-corner), 8 (111)-centre atoms of 9 (facet-step), 6 inner atoms of 12; next-nearest
# neighbours at 4.08 Å lie beyond the 3.7 Å bond cutoff.
TO38 = Octahedron("Au", 4, cutoff=1, latticeconstant=4.08)
TO38.center(vacuum=8.0)


def _poisson_stream(rng, rate, span, site):
    """Event times of a Poisson process of `rate` [1/ps] over (0, span]."""
    n = rng.poisson(rate * span)
    return [(float(t), "detach", site) for t in np.sort(rng.uniform(0, span, n))]


def test_counts_by_kind_and_site_class():
    rows = [
        {"kind": "detach", "site_coordination": "2"},
        {"kind": "detach", "site_coordination": "8"},
        {"kind": "attach", "site_coordination": "5"},
        {"kind": "coalescence", "site_coordination": "5"},  # not an exchange event
    ]
    counts = count_events(rows)
    assert counts == {
        ("detach", "all"): 2,
        ("detach", "adatom"): 1,
        ("detach", "facet-step"): 1,
        ("attach", "all"): 1,
        ("attach", "edge-corner"): 1,
    }


def test_a_synthetic_event_stream_is_recovered_within_its_interval(tmp_path):
    rng = np.random.default_rng(7)
    true = {"adatom": 0.4, "facet-step": 0.1}
    times = [2.0 * i for i in range(21)]  # 40 ps analysed
    for r in range(8):
        events = [e for name, k in true.items() for e in _poisson_stream(rng, k, 40.0, SITES[name])]
        _write_run(tmp_path, f"member-{r:03d}", 550.0, sorted(events), times)
    runs = find_runs(tmp_path)
    assert len(runs) == 8
    members = [member_counts(run) for run in runs]
    assert {m.exposure_ps for m in members} == {40.0}
    assert {m.temperature_K for m in members} == {550.0}
    assert members[0].site_ps == {
        "all": 32 * 40.0,
        "adatom": 0.0,
        "edge-corner": 24 * 40.0,
        "facet-step": 8 * 40.0,
        "bulk-like": 6 * 40.0,
    }
    rows = pooled_rates(members)
    by = {(r["kind"], r["site_class"]): r for r in rows}
    facet = by[("detach", "facet-step")]
    assert facet["site_exposure_ps"] == 8 * 320.0
    assert facet["rate_per_site_per_ps"] == facet["rate_per_ps"] / 8
    assert math.isnan(by[("detach", "adatom")]["rate_per_site_per_ps"])  # no adatom site
    assert math.isnan(by[("attach", "facet-step")]["rate_per_site_per_ps"])
    for name, k in {**true, "all": sum(true.values())}.items():
        row = by[("detach", name)]
        assert row["exposure_ps"] == 320.0
        assert row["rate_ci_low_per_ps"] < k < row["rate_ci_high_per_ps"], (name, row)
    assert by[("detach", "edge-corner")]["n_events"] == 0
    assert by[("detach", "edge-corner")]["rate_ci_low_per_ps"] == 0.0
    # exact Poisson upper limit of no event at 95 %: −ln(0.025) = 3.689 events
    assert by[("detach", "edge-corner")]["rate_ci_high_per_ps"] * 320 == pytest.approx(
        -math.log(0.025)
    )


def test_the_pooled_interval_covers_the_true_rate_at_its_level():
    rng = np.random.default_rng(11)
    hits = 0
    draws = 400
    for _ in range(draws):
        members = _members(rng, [600.0], lambda t: {"adatom": 0.05}, 40.0, 10)
        row = next(
            r
            for r in pooled_rates(members)
            if r["kind"] == "detach" and r["site_class"] == "adatom"
        )
        hits += row["rate_ci_low_per_ps"] <= 0.05 <= row["rate_ci_high_per_ps"]
    # Garwood's interval is exact-conservative: coverage ≥ 95 %; 400 draws, 3σ ≈ 3.3 %
    assert hits / draws >= 0.95 - 0.033


def _arrhenius(ea, a):
    return lambda t: {"adatom": a * math.exp(-ea / (kB * t))}


TEMPS = [500.0, 550.0, 600.0, 650.0]


def _fit(members, kind="detach", name="adatom", confidence=0.95):
    return arrhenius_fit(
        [m.temperature_K for m in members],
        [m.count(kind, name) for m in members],
        [m.exposure_ps for m in members],
        confidence,
    )


def test_an_arrhenius_law_is_recovered_and_its_intervals_cover():
    ea, a = 0.45, 2000.0  # eV, 1/ps: 0.06–0.65 events/ps over 500–650 K
    rng = np.random.default_rng(3)
    fit = _fit(_members(rng, TEMPS, _arrhenius(ea, a), 40.0, 10))
    assert fit.n_temperatures == 4
    assert fit.n_points == 40
    assert fit.activation_ci_eV[0] < ea < fit.activation_ci_eV[1]
    assert fit.prefactor_ci_per_ps[0] < a < fit.prefactor_ci_per_ps[1]
    assert fit.rate(550.0) == pytest.approx(a * math.exp(-ea / (kB * 550.0)), rel=0.15)
    hits_e = hits_a = 0
    draws = 300
    for _ in range(draws):
        f = _fit(_members(rng, TEMPS, _arrhenius(ea, a), 40.0, 10))
        hits_e += f.activation_ci_eV[0] <= ea <= f.activation_ci_eV[1]
        hits_a += f.prefactor_ci_per_ps[0] <= a <= f.prefactor_ci_per_ps[1]
    # Wald intervals of a Poisson regression: near 95 %; 300 draws, 3σ ≈ 3.8 %
    for hits in (hits_e, hits_a):
        assert 0.95 - 0.038 <= hits / draws <= 0.995


def test_the_fit_is_the_maximum_of_the_poisson_likelihood():
    rng = np.random.default_rng(5)
    members = _members(rng, TEMPS, _arrhenius(0.3, 20.0), 30.0, 5)
    t = np.array([m.temperature_K for m in members])
    n = np.array([m.count("detach", "adatom") for m in members], dtype=float)
    e = np.array([m.exposure_ps for m in members])

    def nll(p):  # ln A, E_a: written out here, minimised by scipy
        mu = e * np.exp(p[0] - p[1] / (kB * t))
        return float(np.sum(mu - n * np.log(mu)))

    best = optimize.minimize(
        nll,
        x0=[0.0, 0.1],
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000},
    )
    fit = _fit(members)
    assert fit.activation_eV == pytest.approx(best.x[1], abs=1e-5)
    assert math.log(fit.prefactor_per_ps) == pytest.approx(best.x[0], abs=1e-4)


def test_with_many_events_the_fit_is_weighted_least_squares_of_log_rates():
    # One point per temperature with ~10⁶ events: ln(n/t) has variance 1/n, so the Poisson
    # fit tends to the weighted regression of ln rate on 1/kT with weights n.
    t = np.array(TEMPS)
    e = np.full(4, 2e8)  # ps: ~10⁶ events per point
    n = np.round(e * 5.0 * np.exp(-0.35 / (kB * t)) * np.array([1.01, 0.99, 1.005, 0.997]))
    fit = arrhenius_fit(t, n.astype(int), e)
    x = 1.0 / (kB * t)
    slope, intercept = np.polyfit(x, np.log(n / e), 1, w=np.sqrt(n))
    assert fit.activation_eV == pytest.approx(-slope, rel=1e-3)
    assert math.log(fit.prefactor_per_ps) == pytest.approx(intercept, abs=1e-2)
    assert fit.dispersion > 10  # the ±1 % offsets are far beyond Poisson noise of 10⁶ events


def test_replicas_that_differ_more_than_poisson_widen_the_interval():
    ea, a = 0.45, 2000.0
    rng = np.random.default_rng(9)
    poisson = _members(rng, TEMPS, _arrhenius(ea, a), 40.0, 10)
    # each replica its own rate: gamma-distributed factor of mean 1, CV 0.5
    spread = []
    for m in _members(rng, TEMPS, _arrhenius(ea, a), 40.0, 10):
        factor = rng.gamma(4.0, 0.25)
        k = a * math.exp(-ea / (kB * m.temperature_K)) * factor
        n = int(rng.poisson(k * m.exposure_ps))
        spread.append(
            MemberCounts(
                source=m.source,
                temperature_K=m.temperature_K,
                supersaturation=1.0,
                reference_temperature_K=None,
                exposure_ps=m.exposure_ps,
                counts={("detach", "adatom"): n},
            )
        )
    plain, wide = _fit(poisson), _fit(spread)
    assert plain.dispersion < 1.6
    assert wide.dispersion > 2.0
    width = lambda f: f.activation_ci_eV[1] - f.activation_ci_eV[0]  # noqa: E731
    assert width(wide) > 1.3 * width(plain)


@pytest.mark.parametrize(
    ("temps", "counts"),
    [
        ([550.0, 550.0, 550.0], [3, 4, 5]),  # one temperature: no slope
        ([500.0, 550.0, 600.0], [0, 0, 0]),  # no event
        ([500.0, 550.0, 600.0], [0, 0, 7]),  # every event at one end: E_a → ∞
    ],
)
def test_what_the_data_cannot_fix_is_nan(temps, counts):
    fit = arrhenius_fit(temps, counts, [10.0] * len(temps))
    assert math.isnan(fit.activation_eV)
    assert all(math.isnan(v) for v in fit.activation_ci_eV)
    assert math.isnan(fit.prefactor_per_ps)


def test_bad_fit_input_is_refused():
    with pytest.raises(ParameterError, match="one length"):
        arrhenius_fit([500.0, 600.0], [1], [1.0, 1.0])
    with pytest.raises(ParameterError, match="> 0"):
        arrhenius_fit([500.0, -600.0], [1, 2], [1.0, 1.0])


def test_rows_group_by_cloud_and_temperature():
    rng = np.random.default_rng(1)
    members = _members(rng, [500.0, 600.0], _arrhenius(0.3, 20.0), 20.0, 3, s=1.0)
    members += _members(rng, [500.0, 600.0], _arrhenius(0.3, 20.0), 20.0, 3, s=7.5)
    rates = pooled_rates(members)
    assert {(r["supersaturation"], r["temperature_K"]) for r in rates} == {
        (s, t) for s in (1.0, 7.5) for t in (500.0, 600.0)
    }
    assert {r["n_members"] for r in rates} == {3}
    fits = arrhenius_rows(members)
    assert {(f["supersaturation"], f["n_temperatures"], f["n_members"]) for f in fits} == {
        (1.0, 2, 6),
        (7.5, 2, 6),
    }


def _csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_command_writes_rates_fits_and_a_figure(tmp_path):
    rng = np.random.default_rng(2)
    root = tmp_path / "runs"
    times = [2.0 * i for i in range(21)]
    for t in TEMPS:
        k = 200.0 * math.exp(-0.45 / (kB * t))
        per_site = 5.0 * math.exp(-0.3 / (kB * t))  # from each of the 24 vertices (CN 6)
        for r in range(3):
            events = _poisson_stream(rng, k, 40.0, 2) + _poisson_stream(rng, 24 * per_site, 40.0, 6)
            _write_run(root / f"T{t:g}K", f"member-{r}", t, sorted(events), times)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["kinetics", "rates", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "12 runs at 4 temperature(s)" in result.output
    rates = _csv(out / "rates.csv")
    detach = [r for r in rates if r["kind"] == "detach" and r["site_class"] == "all"]
    assert [float(r["temperature_K"]) for r in detach] == TEMPS
    assert all(float(r["exposure_ps"]) == 120.0 for r in detach)
    fits = [f for f in _csv(out / "arrhenius.csv") if f["kind"] == "detach"]
    adatom = next(f for f in fits if f["site_class"] == "adatom" and f["per"] == "particle")
    assert float(adatom["activation_ci_low_eV"]) < 0.45 < float(adatom["activation_ci_high_eV"])
    vertex = next(f for f in fits if f["site_class"] == "edge-corner" and f["per"] == "site")
    assert float(vertex["activation_ci_low_eV"]) < 0.3 < float(vertex["activation_ci_high_eV"])
    assert (
        float(vertex["prefactor_ci_low_per_ps"]) < 5.0 < float(vertex["prefactor_ci_high_per_ps"])
    )
    assert not any(f["per"] == "site" and f["site_class"] == "adatom" for f in fits)
    assert (out / "arrhenius.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--confidence", "1.5"], "--confidence"),
        (["--confidence", "nan"], "--confidence"),
    ],
)
def test_bad_options_are_one_error_line(tmp_path, args, message):
    _write_run(tmp_path / "runs", "m", 550.0, [], [0.0, 2.0])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["kinetics", "rates", str(tmp_path / "runs"), "-o", str(out), *args]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith("Error:")
    assert message in result.output
    assert not out.exists()


def test_no_runs_or_a_ramped_run_is_one_error_line(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["kinetics", "rates", str(empty), "-o", str(out)])
    assert result.exit_code == 2
    assert "holds no finished run" in result.output
    ramp = tmp_path / "ramp"
    _write_run(ramp, "m", 550.0, [], [0.0, 2.0], program=[[0.0, 500.0], [2.0, 600.0]])
    result = CliRunner().invoke(main, ["kinetics", "rates", str(ramp), "-o", str(out)])
    assert result.exit_code == 2
    assert "not one temperature" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_runs_of_different_particles_are_not_pooled(tmp_path):
    runs = tmp_path / "runs"
    _write_run(runs, "host", 550.0, [], [0.0, 2.0], s=1.0)
    satellites = {"builder": "core-satellites", "core_radius": 15.0, "satellites": 4}
    _write_run(runs, "coalescence", 550.0, [], [0.0, 2.0], s=1.0, structure=satellites)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["kinetics", "rates", str(runs), "-o", str(out)])
    assert result.exit_code == 2
    assert "2 different structures" in result.output.strip().splitlines()[-1]
    assert not out.exists()
