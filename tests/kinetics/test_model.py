"""The rate-equation model of a particle and its cloud (`aucluster.kinetics.model`) against the
physics it must obey: the capture time against Brownian dynamics and the radial diffusion
equation solved numerically, the b ≫ a limit 4πDa/V, D against the Langevin integrator's own
mean-square displacement, mass conservation, detailed balance and relaxation to the
Gibbs–Thomson cloud from both sides; and the calibration/test machinery on synthetic
ensembles of known σ."""

import csv
import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.integrate import solve_bvp

from aucluster.cli import main
from aucluster.errors import ParameterError
from aucluster.kinetics.model import (
    AU_MASS_AMU,
    PocketModel,
    capture_rate,
    evolve,
    langevin_diffusion,
    mean_capture_time,
    reaction_time,
    thermal_velocity,
)
from aucluster.kinetics.validate import Crystal, MDGroup, compare, fit_sticking, model_for

CRYSTAL = Crystal(omega_A3=17.3, gamma_eV_per_A2=0.065, rho_eq_per_A3=1.4e-4)


def _model(**over):
    values = dict(
        temperature_K=550.0,
        diffusion_A2_per_ps=1.16,
        reflect_radius_A=27.0,
        capture_offset_A=3.7,
        omega_A3=CRYSTAL.omega_A3,
        gamma_eV_per_A2=CRYSTAL.gamma_eV_per_A2,
        rho_eq_per_A3=CRYSTAL.rho_eq_per_A3,
        sticking=0.3,
    )
    values.update(over)
    return PocketModel(**values)


def test_the_capture_time_is_that_of_brownian_walkers():
    a, b, d = 2.0, 4.0, 1.0
    rng = np.random.default_rng(4)
    n, dt = 3000, 1e-3
    # a walker of discrete steps crosses the boundary between looks at it: absorbing at
    # a + 0.5826 σ_step corrects that to first order (Siegmund's corrected diffusion
    # approximation, 0.5826 = −ζ(1/2)/√(2π))
    edge = a + 0.5826 * math.sqrt(2 * d * dt)
    r = (a**3 + rng.random(n) * (b**3 - a**3)) ** (1 / 3)
    u = rng.normal(size=(n, 3))
    x = r[:, None] * u / np.linalg.norm(u, axis=1)[:, None]
    alive = np.ones(n, bool)
    hit = np.zeros(n)
    t = 0.0
    while alive.any() and t < 100:
        x[alive] += rng.normal(scale=math.sqrt(2 * d * dt), size=(alive.sum(), 3))
        t += dt
        radius = np.linalg.norm(x, axis=1)
        out = alive & (radius > b)  # reflect at b
        x[out] *= ((2 * b - radius[out]) / radius[out])[:, None]
        caught = alive & (radius <= edge)
        hit[caught] = t
        alive &= ~caught
    assert not alive.any()
    # 3000 walkers: the mean's standard error is ~1.5 %
    assert hit.mean() == pytest.approx(mean_capture_time(a, b, d), rel=0.045)


def test_the_capture_time_solves_the_radial_equation_with_a_robin_boundary():
    a, b, d, kappa = 5.0, 12.0, 0.7, 0.4

    def f(r, y):  # y = (τ, τ'): D(τ'' + 2τ'/r) = −1
        return np.vstack([y[1], -1.0 / d - 2.0 * y[1] / r])

    def bc(ya, yb):
        return np.array([d * ya[1] - kappa * ya[0], yb[1]])

    r = np.linspace(a, b, 200)
    sol = solve_bvp(f, bc, r, np.zeros((2, r.size)), tol=1e-8)
    assert sol.success
    rr = np.linspace(a, b, 20001)
    mean = np.trapezoid(sol.sol(rr)[0] * rr**2, rr) / ((b**3 - a**3) / 3)
    assert mean == pytest.approx(mean_capture_time(a, b, d) + reaction_time(a, b, kappa), rel=1e-5)
    assert 1 / mean == pytest.approx(capture_rate(a, b, d, kappa), rel=1e-5)


def test_a_large_pocket_has_smoluchowskis_rate():
    a, b, d = 5.0, 2000.0, 1.3
    volume = 4 / 3 * math.pi * (b**3 - a**3)
    assert capture_rate(a, b, d) == pytest.approx(4 * math.pi * d * a / volume, rel=5e-3)


def test_the_diffusion_coefficient_is_the_langevin_integrators():
    from asap3 import EMT
    from ase import Atoms

    from aucluster.md import make_integrator
    from aucluster.md.programs import constant
    from aucluster.md.settings import MDSettings

    # 125 free Au atoms 40 Å apart: EMT's reach is ~5.5 Å, so they move as free Langevin atoms
    grid = np.array([[i, j, k] for i in range(5) for j in range(5) for k in range(5)]) * 40.0
    atoms = Atoms(f"Au{len(grid)}", positions=grid + 50.0, cell=[300.0] * 3, pbc=False)
    atoms.calc = EMT()
    settings = MDSettings(program=constant(550.0), duration_ps=30.0, timestep_fs=5.0, seed=3)
    from aucluster.md import initial_momenta

    initial_momenta(atoms, settings)
    dyn = make_integrator(atoms, settings)
    start = atoms.get_positions().copy()
    dyn.run(6000)  # 30 ps
    msd = float(np.mean(np.sum((atoms.get_positions() - start) ** 2, axis=1)))
    d = langevin_diffusion(550.0, settings.friction_per_fs, AU_MASS_AMU)
    tau = 1e-3 / settings.friction_per_fs  # velocity relaxation time [ps]
    expected = 6 * d * (30.0 - tau * (1 - math.exp(-30.0 / tau)))  # Ornstein–Uhlenbeck
    # 125 atoms: the MSD's relative spread is √(2/(3·125)) ≈ 7 %; 3σ
    assert msd == pytest.approx(expected, rel=0.22)


def test_mass_is_conserved_and_the_cloud_relaxes_to_gibbs_thomson_from_both_sides():
    model = _model()
    n0 = 760.0
    star = model.cloud_equilibrium(n0)
    times = np.linspace(0.0, 2000.0, 101)
    for start in (0.8 * star, 3.0 * star):
        path = evolve(model, n0, start, times)
        assert np.allclose(path.particle + path.cloud, n0 + start, atol=1e-5)
        assert path.cloud[-1] == pytest.approx(model.cloud_equilibrium(path.particle[-1]), rel=1e-4)
    # detailed balance: at the Gibbs–Thomson cloud the fluxes cancel
    assert model.net_flux(n0, star) == pytest.approx(0.0, abs=1e-12)
    # and a smaller particle keeps a denser cloud (ln S* ∝ 1/R)
    assert model.cloud_equilibrium(200.0) / model.free_volume(200.0) > star / model.free_volume(n0)


def test_sticking_slows_attachment_towards_the_kinetic_limit():
    fast = _model(sticking=None).attach_rate(760.0)
    assert _model(sticking=1.0).attach_rate(760.0) < fast
    assert _model(sticking=0.1).attach_rate(760.0) < _model(sticking=1.0).attach_rate(760.0)
    # v̄/4 of Au at 550 K: √(8kT/πm)/4 = 0.61 Å/ps
    assert thermal_velocity(550.0) == pytest.approx(0.608, abs=0.005)


def _synthetic(sigma, supersaturation, replicas=10, seed=0, n0=760.0):
    """An ensemble whose mean cloud follows the model at `sigma`, with Poisson scatter."""
    rng = np.random.default_rng(seed)
    times = np.arange(0.0, 42.0, 2.0)
    group = MDGroup(
        temperature_K=550.0,
        supersaturation=supersaturation,
        wall_radius_A=28.0,
        friction_per_fs=0.002,
        bond_cutoff_A=3.7,
        times_ps=times,
        cloud=np.zeros((1, len(times))),
        particle=np.zeros((1, len(times))),
        attaches=np.zeros(1),
    )
    model = model_for(group, CRYSTAL, sigma)
    start = supersaturation * CRYSTAL.rho_eq_per_A3 * model.free_volume(n0)
    mean = evolve(model, n0, start, times).cloud
    cloud = rng.poisson(np.tile(mean, (replicas, 1))).astype(float)
    cloud[:, 0] = round(start)
    particle = n0 + start - cloud
    return MDGroup(
        **{
            **group.__dict__,
            "cloud": cloud,
            "particle": particle,
            "attaches": np.full(replicas, 5.0),
        }
    )


def test_the_fit_recovers_a_known_sticking():
    group = _synthetic(0.2, 1.0)
    assert fit_sticking(group, CRYSTAL) == pytest.approx(0.2, rel=0.25)
    row = compare(group, model_for(group, CRYSTAL, 0.2), model_for(group, CRYSTAL, None))
    assert row["holds"]
    wrong = compare(group, model_for(group, CRYSTAL, None), model_for(group, CRYSTAL, None))
    assert not wrong["holds"]  # the diffusion limit relaxes far too fast for σ = 0.2


def test_a_particle_with_no_gibbs_thomson_equilibrium_in_its_pocket_dissolves():
    # from 0.2 N_c*, S*(N) rises faster than the released atoms fill the pocket: no crossing
    model = _model()
    with pytest.raises(ParameterError, match="dissolves"):
        evolve(model, 760.0, 0.2 * model.cloud_equilibrium(760.0), np.linspace(0, 5000, 11))


def test_a_pocket_too_small_is_refused():
    with pytest.raises(ParameterError, match="cannot hold"):
        evolve(_model(reflect_radius_A=15.0), 760.0, 5.0, [0.0, 1.0])


def _write_group(root, name, temperature, s, sigma, replicas=8, seed=0):
    """Run directories whose clouds follow the model at `sigma` (Poisson scatter)."""
    from aucluster.kinetics.validate import crystal_at

    rng = np.random.default_rng(seed)
    times = np.arange(0.0, 42.0, 2.0)
    crystal = crystal_at(temperature)
    shell = MDGroup(
        temperature_K=temperature,
        supersaturation=s,
        wall_radius_A=28.0,
        friction_per_fs=0.002,
        bond_cutoff_A=3.7,
        times_ps=times,
        cloud=np.zeros((1, 1)),
        particle=np.zeros((1, 1)),
        attaches=np.zeros(1),
    )
    model = model_for(shell, crystal, sigma)
    n0 = 760.0
    start = round(s * crystal.rho_eq_per_A3 * model.free_volume(n0))
    mean = evolve(model, n0, start, times).cloud
    for r in range(replicas):
        run = root / f"{name}-{r}"
        (run / "analysis").mkdir(parents=True)
        scenario = {
            "structure": {"builder": "polycrystal", "radius": 15.0},
            "md": {
                "program": temperature,
                "friction_per_fs": 0.002,
                "cloud": {"supersaturation": s},
                "wall": {"radius": 28.0},
            },
        }
        (run / "scenario.json").write_text(json.dumps(scenario))
        cloud = rng.poisson(mean)
        cloud[0] = start
        with open(run / "analysis" / "frames.csv", "w", newline="") as handle:
            w = csv.writer(handle)
            w.writerow(["frame", "time_ps", "n_particle", "n_cloud"])
            for i, (t, c) in enumerate(zip(times, cloud, strict=True)):
                w.writerow([i, t, n0 + start - c, c])
        (run / "analysis" / "events.csv").write_text(
            "frame,time_ps,kind,n_atoms,site_coordination,outcome,atoms\n"
        )


def test_the_command_calibrates_tests_and_predicts_only_when_the_tests_hold(tmp_path):
    runs = tmp_path / "runs"
    for t, sigma in ((550.0, 0.3), (600.0, 0.15)):
        _write_group(runs, f"T{t:g}-S1", t, 1.0, sigma)
        _write_group(runs, f"T{t:g}-S4", t, 4.0, sigma, seed=1)
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["kinetics", "model", str(runs), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 of 2 tests hold" in result.output
    with open(out / "model.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["role"] for r in rows] == ["calibration", "test", "calibration", "test"]
    for r, sigma in zip(rows[::2], (0.3, 0.15), strict=True):
        assert float(r["sticking_ci_low"]) < sigma < float(r["sticking_ci_high"])
    with open(out / "prediction.csv", newline="") as handle:
        (prediction,) = list(csv.DictReader(handle))
    assert float(prediction["t95_ci_low_s"]) <= float(prediction["t95_s"])
    assert float(prediction["t95_s"]) <= float(prediction["t95_ci_high_s"])
    assert (out / "model.png").read_bytes()[:4] == b"\x89PNG"
    # the same S = 4 ensembles with a cloud that did not move: the model cannot hold
    for run in runs.glob("T550-S4-*"):
        frames = run / "analysis" / "frames.csv"
        lines = frames.read_text().splitlines()
        first = lines[1].split(",")
        still = [lines[0]] + [
            ",".join([str(i), line.split(",")[1], first[2], first[3]])
            for i, line in enumerate(lines[1:])
        ]
        frames.write_text("\n".join(still) + "\n")
    failed = tmp_path / "failed"
    result = CliRunner().invoke(main, ["kinetics", "model", str(runs), "-o", str(failed)])
    assert result.exit_code == 0, result.output
    assert "1 of 2 tests hold" in result.output
    assert "no prediction" in result.output
    assert not (failed / "prediction.csv").exists()


def test_no_calibration_runs_is_one_error_line(tmp_path):
    runs = tmp_path / "runs"
    _write_group(runs, "T550-S4", 550.0, 4.0, 0.3, replicas=3)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["kinetics", "model", str(runs), "-o", str(out)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith("Error: no runs at 550 K with S = 1")
    assert not out.exists()
