"""The rate-equation model (`aucluster.kinetics.model`) against an MD ensemble, and on the
experiment's time scale.

`md_groups` reads finished runs (scenario.json, analysis/frames.csv) and groups replicas by
temperature, cloud, pocket and particle. At each temperature the one free constant of the
model, the sticking σ of the capture sphere, is fitted to the cloud size N_c(t) of one group
(the calibration, by default S = 1), and the model then predicts every other group at that
temperature from its own start — a test it was not fitted to. The rule (written before the
comparison): a prediction holds if the model's final cloud size and its net exchange rate
(N_c(end) − N_c(0)) / t both lie within 2 standard errors of the replicas' mean.

σ(T) gets a bootstrap interval (replicas resampled) and an Arrhenius line ln σ = ln σ₀ − E_σ/kT
(weighted least squares on the bootstrap errors), which `predict_experiment` takes to the
experiment's temperature with the aqueous diffusion coefficient and the liquid cell's pocket.
"""

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from ase.units import kB
from scipy import optimize, stats

from aucluster.errors import ParameterError
from aucluster.kinetics.model import (
    AU_MASS_AMU,
    PocketModel,
    evolve,
    langevin_diffusion,
)
from aucluster.kinetics.rates import fixed_temperature, read_run

#: The range σ is fitted in; a fit at either end means no σ describes the runs.
STICKING_BOUNDS = (1e-4, 1e3)

#: Columns of model.csv.
MODEL_COLUMNS = (
    "temperature_K",
    "supersaturation",
    "role",
    "n_members",
    "sticking",
    "sticking_ci_low",
    "sticking_ci_high",
    "sticking_at_bound",
    "cloud_start_md",
    "cloud_end_md",
    "cloud_end_2se_md",
    "cloud_end_model",
    "cloud_end_diffusion_limit",
    "cloud_equilibrium_model",
    "net_rate_md_per_ps",
    "net_rate_2se_md_per_ps",
    "net_rate_model_per_ps",
    "gross_attach_rate_md_per_ps",
    "gross_attach_rate_model_per_ps",
    "holds",
)

BOOTSTRAP = 200
BOOTSTRAP_SEED = 20261206


@dataclass(frozen=True)
class MDGroup:
    """Replicas of one condition: frames' times [ps], and per replica and frame the cloud's
    and the particle's atoms, and the whole run's attach events."""

    temperature_K: float
    supersaturation: float
    wall_radius_A: float
    friction_per_fs: float
    bond_cutoff_A: float
    times_ps: np.ndarray
    cloud: np.ndarray  # (replicas, frames)
    particle: np.ndarray  # (replicas, frames)
    attaches: np.ndarray  # (replicas,)

    @property
    def n(self) -> int:
        return self.cloud.shape[0]

    def subset(self, rows: np.ndarray) -> "MDGroup":
        return replace(
            self, cloud=self.cloud[rows], particle=self.particle[rows], attaches=self.attaches[rows]
        )


def md_groups(runs: Sequence[Path]) -> list[MDGroup]:
    """Replicas grouped by temperature, S, pocket, friction and particle (sorted)."""
    from aucluster.analysis.clusters import DEFAULT_BOND_CUTOFF

    found: dict[tuple, list] = {}
    for run in runs:
        scenario, frames, events = read_run(run)
        md = scenario.get("md") or {}
        if not md.get("cloud") or not md.get("wall"):
            raise ParameterError(f"{str(run)!r}: no cloud model (md.cloud and md.wall)")
        key = (
            fixed_temperature(md.get("program"), str(run)),
            float(md["cloud"]["supersaturation"]),
            float(md["wall"]["radius"]),
            float(md.get("friction_per_fs", 0.002)),
            float((scenario.get("analysis") or {}).get("bond_cutoff", DEFAULT_BOND_CUTOFF)),
            json.dumps(scenario.get("structure") or {}, sort_keys=True),
        )
        found.setdefault(key, []).append((frames, events))
    groups = []
    for key in sorted(found):
        members = found[key]
        lengths = {len(f) for f, _ in members}
        if len(lengths) != 1:
            raise ParameterError(f"replicas at {key[0]:g} K, S = {key[1]:g} differ in frames")
        times = np.array([float(r["time_ps"]) for r in members[0][0]])
        groups.append(
            MDGroup(
                temperature_K=key[0],
                supersaturation=key[1],
                wall_radius_A=key[2],
                friction_per_fs=key[3],
                bond_cutoff_A=key[4],
                times_ps=times,
                cloud=np.array([[float(r["n_cloud"]) for r in f] for f, _ in members]),
                particle=np.array([[float(r["n_particle"]) for r in f] for f, _ in members]),
                attaches=np.array([sum(e["kind"] == "attach" for e in ev) for _, ev in members]),
            )
        )
    return groups


@dataclass(frozen=True)
class Crystal:
    """Ω [Å³], γ [eV/Å²] and ρ_eq [1/Å³] at one temperature."""

    omega_A3: float
    gamma_eV_per_A2: float
    rho_eq_per_A3: float


@functools.lru_cache(maxsize=32)
def crystal_at(temperature_K: float, lattice_constant_A: float | None = None) -> Crystal:
    """The Gibbs–Thomson constants at T: Ω and γ at the zero-pressure lattice constant (a short
    MD of the crystal, `aucluster.thermo.melting`, unless given), ρ_eq of the cloud model."""
    from aucluster.md.cloud import equilibrium_density
    from aucluster.thermo.gibbs_thomson import atomic_volume_A3, effective_surface_energy
    from aucluster.thermo.melting import zero_pressure_lattice_constant

    a = lattice_constant_A or zero_pressure_lattice_constant(temperature_K)
    return Crystal(
        omega_A3=atomic_volume_A3(a),
        gamma_eV_per_A2=effective_surface_energy(a),
        rho_eq_per_A3=equilibrium_density(temperature_K),
    )


def model_for(group: MDGroup, crystal: Crystal, sticking: float | None) -> PocketModel:
    return PocketModel(
        temperature_K=group.temperature_K,
        diffusion_A2_per_ps=langevin_diffusion(
            group.temperature_K, group.friction_per_fs, AU_MASS_AMU
        ),
        reflect_radius_A=group.wall_radius_A - 1.0,  # the seeding's outer radius (soft wall)
        capture_offset_A=group.bond_cutoff_A,
        omega_A3=crystal.omega_A3,
        gamma_eV_per_A2=crystal.gamma_eV_per_A2,
        rho_eq_per_A3=crystal.rho_eq_per_A3,
        sticking=sticking,
    )


def _predicted(group: MDGroup, model: PocketModel) -> np.ndarray:
    start_p, start_c = group.particle[:, 0].mean(), group.cloud[:, 0].mean()
    return evolve(model, start_p, start_c, group.times_ps.tolist()).cloud


def fit_sticking(group: MDGroup, crystal: Crystal) -> float:
    """σ minimising Σ_t (model N_c(t) − mean N_c(t))² / SE_t² (SE at least 0.5 atom)."""
    mean = group.cloud.mean(axis=0)
    se = np.maximum(group.cloud.std(axis=0, ddof=1) / math.sqrt(group.n), 0.5)

    def cost(log_sigma: float) -> float:
        model = model_for(group, crystal, math.exp(log_sigma))
        return float(np.sum(((_predicted(group, model) - mean) / se) ** 2))

    bounds = (math.log(STICKING_BOUNDS[0]), math.log(STICKING_BOUNDS[1]))
    best = optimize.minimize_scalar(cost, bounds=bounds, method="bounded")
    return math.exp(float(best.x))


def sticking_interval(group: MDGroup, crystal: Crystal, confidence: float = 0.95):
    """σ and its percentile-bootstrap interval over replicas, with the bootstrap SE of ln σ."""
    sigma = fit_sticking(group, crystal)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = []
    for _ in range(BOOTSTRAP):
        rows = rng.integers(0, group.n, group.n)
        if len(set(rows.tolist())) < 2:
            continue
        draws.append(math.log(fit_sticking(group.subset(rows), crystal)))
    low, high = np.percentile(draws, [50 * (1 - confidence), 50 * (1 + confidence)])
    return sigma, (math.exp(low), math.exp(high)), float(np.std(draws, ddof=1))


def compare(group: MDGroup, model: PocketModel, diffusion_limit: PocketModel) -> dict:
    """One row of model.csv (without the role and σ columns)."""
    span = group.times_ps[-1] - group.times_ps[0]
    predicted = _predicted(group, model)
    end = group.cloud[:, -1]
    net = (group.cloud[:, -1] - group.cloud[:, 0]) / span
    se_end = end.std(ddof=1) / math.sqrt(group.n)
    se_net = net.std(ddof=1) / math.sqrt(group.n)
    model_net = (predicted[-1] - predicted[0]) / span
    n_start = group.particle[:, 0].mean()
    # the model's gross attachment: k_a N_c integrated over the run
    k_attach = np.array(
        [model.attach_rate(n) for n in n_start + group.cloud[:, 0].mean() - predicted]
    )
    gross_model = float(np.trapezoid(k_attach * predicted, group.times_ps) / span)
    holds = abs(predicted[-1] - end.mean()) <= 2 * se_end and abs(model_net - net.mean()) <= (
        2 * se_net
    )
    return {
        "temperature_K": group.temperature_K,
        "supersaturation": group.supersaturation,
        "n_members": group.n,
        "cloud_start_md": float(group.cloud[:, 0].mean()),
        "cloud_end_md": float(end.mean()),
        "cloud_end_2se_md": float(2 * se_end),
        "cloud_end_model": float(predicted[-1]),
        "cloud_end_diffusion_limit": float(_predicted(group, diffusion_limit)[-1]),
        "cloud_equilibrium_model": float(model.cloud_equilibrium(n_start)),
        "net_rate_md_per_ps": float(net.mean()),
        "net_rate_2se_md_per_ps": float(2 * se_net),
        "net_rate_model_per_ps": float(model_net),
        "gross_attach_rate_md_per_ps": float(group.attaches.mean() / span),
        "gross_attach_rate_model_per_ps": gross_model,
        "holds": bool(holds),
    }


@dataclass(frozen=True)
class StickingLaw:
    """ln σ = ln σ₀ − E_σ / kT, fitted to the calibrations (weighted by their bootstrap SE)."""

    log_prefactor: float
    energy_eV: float
    covariance: np.ndarray
    dof: int

    def at(self, temperature_K: float, confidence: float = 0.95) -> tuple[float, float, float]:
        """σ(T) with its interval (Student's t on the fit's degrees of freedom)."""
        x = np.array([1.0, -1.0 / (kB * temperature_K)])
        mean = float(self.log_prefactor + x[1] * self.energy_eV)
        se = float(math.sqrt(x @ self.covariance @ x))
        z = float(stats.t.ppf(0.5 + confidence / 2, self.dof)) if self.dof > 0 else math.inf
        return math.exp(mean), math.exp(mean - z * se), math.exp(mean + z * se)


def sticking_law(temperatures_K, sigmas, log_se) -> StickingLaw:
    t = np.asarray(temperatures_K, dtype=float)
    if len(t) < 2:
        raise ParameterError("σ(T) needs calibrations at ≥ 2 temperatures")
    y = np.log(np.asarray(sigmas, dtype=float))
    w = 1.0 / np.maximum(np.asarray(log_se, dtype=float), 1e-6) ** 2
    design = np.column_stack([np.ones_like(t), -1.0 / (kB * t)])
    cov = np.linalg.inv(design.T @ (design * w[:, None]))
    beta = cov @ design.T @ (w * y)
    dof = len(t) - 2
    if dof > 0:  # scale by the residuals' reduced χ² when they scatter more than the SEs say
        chi2 = float(np.sum(w * (y - design @ beta) ** 2) / dof)
        cov = cov * max(1.0, chi2)
    return StickingLaw(float(beta[0]), float(beta[1]), cov, dof)


def validate(
    groups: Sequence[MDGroup],
    *,
    calibrate_s: float = 1.0,
    lattice_constants: dict[float, float] | None = None,
    confidence: float = 0.95,
) -> tuple[list[dict], StickingLaw | None]:
    """model.csv's rows (a calibration and its tests per temperature) and σ(T)'s law."""
    rows = []
    law_points = []
    temps = sorted({g.temperature_K for g in groups})
    for t in temps:
        mine = [g for g in groups if g.temperature_K == t]
        fit = [g for g in mine if math.isclose(g.supersaturation, calibrate_s)]
        if not fit:
            raise ParameterError(
                f"no runs at {t:g} K with S = {calibrate_s:g} to calibrate σ on "
                f"(there: S = {', '.join(f'{g.supersaturation:g}' for g in mine)})"
            )
        crystal = crystal_at(t, (lattice_constants or {}).get(t))
        sigma, (low, high), log_se = sticking_interval(fit[0], crystal, confidence)
        law_points.append((t, sigma, log_se))
        for g in mine:
            row = compare(g, model_for(g, crystal, sigma), model_for(g, crystal, None))
            row.update(
                role="calibration" if g is fit[0] else "test",
                sticking_at_bound=not (
                    1.01 * STICKING_BOUNDS[0] < sigma < STICKING_BOUNDS[1] / 1.01
                ),
                sticking=sigma,
                sticking_ci_low=low,
                sticking_ci_high=high,
            )
            rows.append(row)
    law = sticking_law(*zip(*law_points, strict=True)) if len(law_points) >= 2 else None
    return rows, law


#: Columns of prediction.csv.
PREDICTION_COLUMNS = (
    "temperature_K",
    "particle_atoms",
    "pocket_radius_nm",
    "diffusion_m2_per_s",
    "start_supersaturation",
    "sticking",
    "sticking_ci_low",
    "sticking_ci_high",
    "cloud_start",
    "cloud_equilibrium",
    "relaxation_time_s",
    "relaxation_time_ci_low_s",
    "relaxation_time_ci_high_s",
    "t95_s",
    "t95_ci_low_s",
    "t95_ci_high_s",
)


def predict_experiment(
    law: StickingLaw,
    *,
    temperature_K: float,
    diffusion_m2_per_s: float,
    pocket_radius_A: float,
    particle_atoms: float,
    start_supersaturation: float,
    crystal: Crystal,
    capture_offset_A: float = 3.7,
    confidence: float = 0.95,
) -> dict:
    """The model at the experiment's T, D and pocket: a particle of `particle_atoms` in a
    cloud started at S ρ_eq, relaxing to its Gibbs–Thomson cloud. τ = 1/k_a and t95 = τ ln 20
    (95 % of the way) [s], with σ(T)'s interval from `law` (`StickingLaw.at`)."""
    if not (diffusion_m2_per_s > 0 and pocket_radius_A > 0 and particle_atoms >= 13):
        raise ParameterError("prediction: D > 0, pocket radius > 0, a particle of ≥ 13 atoms")
    sigma, low, high = law.at(temperature_K, confidence)
    base = PocketModel(
        temperature_K=temperature_K,
        diffusion_A2_per_ps=diffusion_m2_per_s * 1e8,  # m²/s → Å²/ps
        reflect_radius_A=pocket_radius_A,
        capture_offset_A=capture_offset_A,
        omega_A3=crystal.omega_A3,
        gamma_eV_per_A2=crystal.gamma_eV_per_A2,
        rho_eq_per_A3=crystal.rho_eq_per_A3,
        sticking=sigma,
    )
    if base.capture_radius(particle_atoms) >= pocket_radius_A:
        raise ParameterError(f"a pocket of {pocket_radius_A:g} Å cannot hold the particle")

    def tau(s: float) -> float:
        if s <= 0:
            return math.inf  # nothing sticks
        model = replace(base, sticking=s if math.isfinite(s) else None)  # ∞: diffusion limit
        return 1e-12 / model.attach_rate(particle_atoms)

    times = [tau(sigma), tau(high), tau(low)]  # a larger σ attaches faster
    return {
        "temperature_K": temperature_K,
        "particle_atoms": particle_atoms,
        "pocket_radius_nm": pocket_radius_A / 10.0,
        "diffusion_m2_per_s": diffusion_m2_per_s,
        "start_supersaturation": start_supersaturation,
        "sticking": sigma,
        "sticking_ci_low": low,
        "sticking_ci_high": high,
        "cloud_start": start_supersaturation
        * crystal.rho_eq_per_A3
        * base.free_volume(particle_atoms),
        "cloud_equilibrium": base.cloud_equilibrium(particle_atoms),
        "relaxation_time_s": times[0],
        "relaxation_time_ci_low_s": times[1],
        "relaxation_time_ci_high_s": times[2],
        "t95_s": times[0] * math.log(20.0),
        "t95_ci_low_s": times[1] * math.log(20.0),
        "t95_ci_high_s": times[2] * math.log(20.0),
    }


__all__ = [
    "MODEL_COLUMNS",
    "PREDICTION_COLUMNS",
    "Crystal",
    "MDGroup",
    "StickingLaw",
    "compare",
    "crystal_at",
    "fit_sticking",
    "md_groups",
    "model_for",
    "predict_experiment",
    "sticking_interval",
    "sticking_law",
    "validate",
]


def plot_model(groups: Sequence[MDGroup], rows: Sequence[dict], path, *, lattice_constants=None):
    """N_c(t): the replicas' mean ± 2 SE against the model (σ fitted at that temperature) and
    the diffusion limit; one panel per temperature."""
    from matplotlib.figure import Figure

    temps = sorted({g.temperature_K for g in groups})
    fig = Figure(figsize=(3.6 * len(temps), 3.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(temps), squeeze=False)[0])
    for ax, t in zip(axes, temps, strict=True):
        crystal = crystal_at(t, (lattice_constants or {}).get(t))
        for number, g in enumerate(x for x in groups if x.temperature_K == t):
            row = next(
                r
                for r in rows
                if r["temperature_K"] == t and r["supersaturation"] == g.supersaturation
            )
            mean = g.cloud.mean(axis=0)
            se = g.cloud.std(axis=0, ddof=1) / math.sqrt(g.n)
            colour = f"C{number}"
            ax.fill_between(
                g.times_ps, mean - 2 * se, mean + 2 * se, color=colour, alpha=0.25, lw=0
            )
            ax.plot(
                g.times_ps,
                mean,
                color=colour,
                lw=1,
                label=f"MD S = {g.supersaturation:g} ({row['role']})",
            )
            ax.plot(
                g.times_ps,
                _predicted(g, model_for(g, crystal, row["sticking"])),
                "--",
                color=colour,
                lw=1.5,
            )
            ax.plot(g.times_ps, _predicted(g, model_for(g, crystal, None)), ":", color=colour, lw=1)
        ax.set_title(f"{t:g} K: -- model (σ fitted), ··· diffusion limit", fontsize=8)
        ax.set_xlabel("MD time [ps]")
        ax.legend(fontsize=6)
    axes[0].set_ylabel("cloud atoms N_c")
    fig.savefig(path, dpi=120, format="png")
