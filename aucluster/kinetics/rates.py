"""Exchange rates from an ensemble of MD runs, and Arrhenius fits of them.

A run's detach and attach events (`aucluster.analysis.exchange`, hysteretic, with a dwell) are
counted per site class of the site left or joined (the coordination classes of
`aucluster.analysis.exchange.SITE_CLASSES`, and "all"); its exposure is the analysed span of MD
time. Rates are per particle [1/ps], not per site: the number of sites of a class changes as
the particle reshapes.

`pooled_rates`: per (kind, site class, T, S) the ensemble's summed count over its summed
exposure, with the exact (Garwood) Poisson interval of the summed count — the interval of a
rate if the events are a Poisson process; `arrhenius_fit` checks that with the members'
dispersion.

`arrhenius_fit`: k(T) = A exp(−E_a / k_B T) by maximum likelihood on the counts of every member
(n_i ~ Poisson(t_i k(T_i)): a Poisson regression of log link, fitted by Newton's method, which
keeps members with no event), with Wald intervals from the Fisher information scaled by the
quasi-Poisson dispersion φ = χ²_Pearson/(m − 2) when it exceeds 1 (replicas that differ more
than Poisson counts do widen the interval) and Student's t with m − 2 degrees of freedom.
"""

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from ase.units import kB
from scipy import stats

from aucluster.analysis.exchange import SITE_CLASSES, poisson_interval, site_class
from aucluster.errors import ParameterError
from aucluster.store import read_csv

KINDS = ("detach", "attach")
CLASSES = ("all", *(c[0] for c in SITE_CLASSES))

#: Columns of rates.csv.
RATE_TABLE_COLUMNS = (
    "kind",
    "site_class",
    "temperature_K",
    "supersaturation",
    "reference_temperature_K",
    "n_members",
    "n_events",
    "exposure_ps",
    "rate_per_ps",
    "rate_ci_low_per_ps",
    "rate_ci_high_per_ps",
    "site_exposure_ps",
    "rate_per_site_per_ps",
    "rate_per_site_ci_low_per_ps",
    "rate_per_site_ci_high_per_ps",
)

#: Columns of arrhenius.csv.
ARRHENIUS_COLUMNS = (
    "kind",
    "site_class",
    "per",
    "supersaturation",
    "reference_temperature_K",
    "n_temperatures",
    "n_members",
    "n_events",
    "activation_eV",
    "activation_ci_low_eV",
    "activation_ci_high_eV",
    "prefactor_per_ps",
    "prefactor_ci_low_per_ps",
    "prefactor_ci_high_per_ps",
    "dispersion",
)


@dataclass(frozen=True)
class MemberCounts:
    """One run's event counts by (kind, site class), its exposure [ps], temperature [K] and
    cloud: S (NaN without a cloud) and the temperature S refers to (None: the run's own, so
    runs at several temperatures share S's meaning)."""

    source: str
    temperature_K: float
    supersaturation: float
    reference_temperature_K: float | None
    exposure_ps: float
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    structure: str = ""  # the scenario's [structure] table as JSON: what particle it is
    #: site-ps per site class: the particle's atoms of the class, averaged over the analysed
    #: frames, times the exposure (empty: not measured, no per-site rate)
    site_ps: dict[str, float] = field(default_factory=dict)

    def count(self, kind: str, name: str) -> int:
        return self.counts.get((kind, name), 0)


def count_events(events: Iterable[dict]) -> dict[tuple[str, str], int]:
    """Counts by (kind, site class) of event rows (``kind``, ``site_coordination``), "all"
    included; kinds other than detach/attach are ignored."""
    counts: dict[tuple[str, str], int] = {}
    for e in events:
        kind = str(e["kind"])
        if kind not in KINDS:
            continue
        for name in ("all", site_class(int(e["site_coordination"]))):
            counts[(kind, name)] = counts.get((kind, name), 0) + 1
    return counts


def fixed_temperature(program, where: str) -> float:
    """The one temperature [K] of a run's program (a number or [[t, T], …]); refused if the
    program changes it: rates and the model need runs held at a fixed temperature."""
    temps = {float(p[1]) for p in program} if isinstance(program, list) else {float(program)}
    if len(temps) != 1:
        raise ParameterError(
            f"{where}: its temperature program {program!r} is not one temperature; rates need "
            "runs held at a fixed temperature"
        )
    return temps.pop()


def read_run(run: Path) -> tuple[dict, list[dict], list[dict]]:
    """scenario.json, analysis/frames.csv and analysis/events.csv of one finished run."""
    try:
        scenario = json.loads((run / "scenario.json").read_text())
        frames = read_csv(run / "analysis" / "frames.csv")
        events = read_csv(run / "analysis" / "events.csv")
    except (OSError, ValueError) as exc:
        raise ParameterError(f"{str(run)!r}: not a finished run ({exc})") from None
    return scenario, frames, events


def member_counts(run: str | Path, *, sites: bool = True) -> MemberCounts:
    """Counts of one finished run directory (scenario.json, analysis/events.csv and
    analysis/frames.csv, as `aucluster run` writes them), and with `sites` its site
    exposure from md/trajectory.traj (`site_exposure`)."""
    run = Path(run)
    scenario, frames, events = read_run(run)
    md = scenario.get("md") or {}
    temperature = fixed_temperature(md.get("program"), str(run))
    cloud = md.get("cloud") or {}
    s = float(cloud.get("supersaturation", math.nan))
    ref = cloud.get("reference_temperature_K")
    times = [float(f["time_ps"]) for f in frames]
    if len(times) < 2:
        raise ParameterError(f"{str(run)!r}: fewer than two analysed frames, no exposure")
    return MemberCounts(
        source=str(run),
        temperature_K=temperature,
        supersaturation=s,
        reference_temperature_K=None if ref is None else float(ref),
        exposure_ps=times[-1] - times[0],
        counts=count_events(events),
        structure=json.dumps(scenario.get("structure") or {}, sort_keys=True),
        site_ps=site_exposure(run, times, scenario) if sites else {},
    )


SURFACE_CLASSES = tuple(c[0] for c in SITE_CLASSES if c[0] != "bulk-like")


def site_exposure(run: Path, times: Sequence[float], scenario: dict) -> dict[str, float]:
    """Site-ps per class of one run: at each analysed frame of its trajectory (matched by
    time), the particle's atoms by coordination within r_in (the analysis' bond cutoff, as
    the events' site coordination is counted), averaged and times the exposure; "all" is
    the surface classes together (coordination ≤ 9)."""
    from ase.io import Trajectory

    from aucluster.analysis.clusters import DEFAULT_BOND_CUTOFF
    from aucluster.analysis.exchange import contacts

    cutoff = float((scenario.get("analysis") or {}).get("bond_cutoff", DEFAULT_BOND_CUTOFF))
    wanted = {round(float(t), 6) for t in times}
    totals = dict.fromkeys(("all", *CLASSES[1:]), 0.0)
    n = 0
    path = run / "md" / "trajectory.traj"
    try:
        frames = Trajectory(str(path))
    except (OSError, ValueError) as exc:
        raise ParameterError(f"{str(path)!r}: cannot read the trajectory ({exc})") from None
    with frames:
        for atoms in frames:
            if round(float(atoms.info.get("time_ps", math.nan)), 6) not in wanted:
                continue
            c = contacts(atoms.positions, cutoff)
            for coordination in c.coordination[c.cluster == 0]:
                name = site_class(int(coordination))
                totals[name] = totals.get(name, 0.0) + 1
                if name in SURFACE_CLASSES:
                    totals["all"] += 1
            n += 1
    if n != len(wanted):
        raise ParameterError(
            f"{str(path)!r}: {n} of the {len(wanted)} analysed frames found by time"
        )
    span = max(times) - min(times)
    return {name: total / n * span for name, total in totals.items()}


def check_one_particle(members: Sequence[MemberCounts]) -> None:
    """Refuse runs of different particles: a rate per particle pools only replicas of one
    structure (its seed aside), e.g. one arm of a study."""
    kinds = {m.structure for m in members}
    if len(kinds) > 1:
        raise ParameterError(
            f"the runs hold {len(kinds)} different structures (e.g. {sorted(kinds)[0]} and "
            f"{sorted(kinds)[1]}): rates per particle pool one particle's replicas; give one "
            "arm's directory"
        )


def find_runs(directory: str | Path) -> list[Path]:
    """Every finished run under `directory` (itself included): directories holding
    scenario.json and analysis/events.csv, sorted."""
    directory = Path(directory)
    return sorted(
        p.parent
        for p in directory.rglob("scenario.json")
        if (p.parent / "analysis" / "events.csv").exists()
    )


def _cloud_key(supersaturation, reference_temperature_K) -> tuple[str, str]:
    """A grouping key of a cloud (NaN and None compare equal to themselves here)."""
    return (repr(supersaturation), repr(reference_temperature_K))


def _condition(m: MemberCounts) -> tuple[str, str]:
    return _cloud_key(m.supersaturation, m.reference_temperature_K)


def _row_cloud(row: dict) -> tuple[str, str]:
    return _cloud_key(row["supersaturation"], row["reference_temperature_K"])


def _group(members: Sequence[MemberCounts], by_temperature: bool) -> list[list[MemberCounts]]:
    groups: dict[tuple, list[MemberCounts]] = {}
    for m in members:
        key = (m.temperature_K, *_condition(m)) if by_temperature else _condition(m)
        groups.setdefault(key, []).append(m)
    order = sorted(
        groups,
        key=lambda k: (
            groups[k][0].supersaturation,
            groups[k][0].reference_temperature_K or 0.0,
            groups[k][0].temperature_K if by_temperature else 0.0,
        ),
    )
    return [groups[k] for k in order]


def _per_site(mine, kind: str, name: str, n: int, low: float, high: float) -> dict:
    """Detach rate per site of the class left (site-ps from every member), else NaN: an
    attach joins a site its own arrival makes, and bulk-like atoms are not sites."""
    site_ps = sum(m.site_ps.get(name, 0.0) for m in mine)
    if kind != "detach" or name == "bulk-like" or any(not m.site_ps for m in mine):
        site_ps = math.nan
    ok = site_ps > 0
    return {
        "site_exposure_ps": site_ps,
        "rate_per_site_per_ps": n / site_ps if ok else math.nan,
        "rate_per_site_ci_low_per_ps": low / site_ps if ok else math.nan,
        "rate_per_site_ci_high_per_ps": high / site_ps if ok else math.nan,
    }


def pooled_rates(members: Sequence[MemberCounts], confidence: float = 0.95) -> list[dict]:
    """Rows of rates.csv: per kind, site class, temperature and cloud, the summed count over
    the summed exposure with the exact Poisson interval of the summed count."""
    rows = []
    for mine in _group(members, by_temperature=True):
        t, s, ref = mine[0].temperature_K, mine[0].supersaturation, mine[0].reference_temperature_K
        exposure = sum(m.exposure_ps for m in mine)
        for kind in KINDS:
            for name in CLASSES:
                n = sum(m.count(kind, name) for m in mine)
                low, high = poisson_interval(n, confidence)
                rows.append(
                    {
                        "kind": kind,
                        "site_class": name,
                        "temperature_K": t,
                        "supersaturation": s,
                        "reference_temperature_K": ref,
                        "n_members": len(mine),
                        "n_events": n,
                        "exposure_ps": exposure,
                        "rate_per_ps": n / exposure,
                        "rate_ci_low_per_ps": low / exposure,
                        "rate_ci_high_per_ps": high / exposure,
                        **_per_site(mine, kind, name, n, low, high),
                    }
                )
    return rows


@dataclass(frozen=True)
class ArrheniusFit:
    """k(T) = A exp(−E_a / k_B T): E_a [eV] and A [1/ps] with their intervals, the Pearson
    dispersion of the members about the fit (NaN with two points), the points used."""

    activation_eV: float
    activation_ci_eV: tuple[float, float]
    prefactor_per_ps: float
    prefactor_ci_per_ps: tuple[float, float]
    dispersion: float
    n_points: int
    n_temperatures: int
    n_events: int

    def rate(self, temperature_K) -> np.ndarray:
        """The fitted rate [1/ps] at `temperature_K`."""
        return self.prefactor_per_ps * np.exp(
            -self.activation_eV / (kB * np.asarray(temperature_K, dtype=float))
        )


def _nan_fit(n_points: int, n_temperatures: int, n_events: int) -> ArrheniusFit:
    nan = math.nan
    return ArrheniusFit(
        activation_eV=nan,
        activation_ci_eV=(nan, nan),
        prefactor_per_ps=nan,
        prefactor_ci_per_ps=(nan, nan),
        dispersion=nan,
        n_points=n_points,
        n_temperatures=n_temperatures,
        n_events=n_events,
    )


def arrhenius_fit(
    temperatures_K: Sequence[float],
    counts: Sequence[int],
    exposures_ps: Sequence[float],
    confidence: float = 0.95,
) -> ArrheniusFit:
    """Maximum-likelihood Arrhenius fit of event counts `counts` over `exposures_ps` at
    `temperatures_K` (one point per member run). NaN where the data cannot fix it: fewer than
    two temperatures, no event, or a likelihood with no maximum (every event at one end)."""
    t = np.asarray(temperatures_K, dtype=float)
    n = np.asarray(counts, dtype=float)
    e = np.asarray(exposures_ps, dtype=float)
    if not (t.shape == n.shape == e.shape) or t.ndim != 1:
        raise ParameterError("arrhenius_fit: temperatures, counts and exposures of one length")
    if np.any(t <= 0) or np.any(e <= 0) or np.any(n < 0):
        raise ParameterError("arrhenius_fit: temperatures and exposures > 0, counts ≥ 0")
    n_temps = len(np.unique(t))
    base = dict(n_points=len(t), n_temperatures=n_temps, n_events=int(n.sum()))
    if n_temps < 2 or n.sum() == 0:
        return _nan_fit(**base)
    x = 1.0 / (kB * t)
    xm = float(np.average(x, weights=e))
    dx = x - xm
    theta = np.array([math.log(n.sum() / e.sum()), 0.0])  # (ln k at x̄, E_a)

    def loglik(p):
        eta = p[0] - p[1] * dx
        return float(np.sum(n * eta - e * np.exp(eta)))

    def expected_and_information(p):
        """The expected counts at p and the Fisher information of (ln k(x̄), E_a)."""
        mu = e * np.exp(p[0] - p[1] * dx)
        cross = -(mu * dx).sum()
        return mu, np.array([[mu.sum(), cross], [cross, (mu * dx**2).sum()]])

    converged = False
    for _ in range(200):
        mu, info = expected_and_information(theta)
        grad = np.array([np.sum(n - mu), -np.sum((n - mu) * dx)])
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            break
        scale, now = 1.0, loglik(theta)
        while loglik(theta + scale * step) < now - 1e-12 and scale > 1e-8:
            scale /= 2
        theta = theta + scale * step
        if abs(theta[1]) > 1e3:  # the maximum is at infinity: every event at one end
            break
        if np.max(np.abs(scale * step)) < 1e-10:
            converged = True
            break
    if not converged:
        return _nan_fit(**base)
    mu, info = expected_and_information(theta)
    cov = np.linalg.inv(info)
    dof = len(t) - 2
    dispersion = float(np.sum((n - mu) ** 2 / mu) / dof) if dof > 0 else math.nan
    if dof > 0:
        cov = cov * max(1.0, dispersion)
        z = float(stats.t.ppf(0.5 + confidence / 2, dof))
    else:
        z = float(stats.norm.ppf(0.5 + confidence / 2))
    ea = float(theta[1])
    ln_a = float(theta[0] + theta[1] * xm)  # ln k(x) = ln A − E_a x
    se_ea = math.sqrt(cov[1, 1])
    se_ln_a = math.sqrt(cov[0, 0] + xm**2 * cov[1, 1] + 2 * xm * cov[0, 1])
    return ArrheniusFit(
        activation_eV=ea,
        activation_ci_eV=(ea - z * se_ea, ea + z * se_ea),
        prefactor_per_ps=math.exp(ln_a),
        prefactor_ci_per_ps=(math.exp(ln_a - z * se_ln_a), math.exp(ln_a + z * se_ln_a)),
        dispersion=dispersion,
        **base,
    )


def arrhenius_rows(members: Sequence[MemberCounts], confidence: float = 0.95) -> list[dict]:
    """Rows of arrhenius.csv: one fit per kind, site class and cloud over the members'
    temperatures."""
    rows = []
    for mine in _group(members, by_temperature=False):
        s, ref = mine[0].supersaturation, mine[0].reference_temperature_K
        temps = [m.temperature_K for m in mine]
        exposures = [m.exposure_ps for m in mine]
        fits = []
        for kind in KINDS:
            for name in CLASSES:
                counts = [m.count(kind, name) for m in mine]
                fits.append(
                    (kind, name, "particle", arrhenius_fit(temps, counts, exposures, confidence))
                )
        for name in ("all", *SURFACE_CLASSES):
            # members with no site of the class had none to leave (an event's site is counted
            # in the frame it left): they carry no information and are left out
            seen = [m for m in mine if m.site_ps.get(name, 0.0) > 0]
            if any(not m.site_ps for m in mine) or len({m.temperature_K for m in seen}) < 2:
                continue
            fit = arrhenius_fit(
                [m.temperature_K for m in seen],
                [m.count("detach", name) for m in seen],
                [m.site_ps[name] for m in seen],
                confidence,
            )
            fits.append(("detach", name, "site", fit))
        for kind, name, per, fit in fits:
            rows.append(
                {
                    "kind": kind,
                    "site_class": name,
                    "per": per,
                    "supersaturation": s,
                    "reference_temperature_K": ref,
                    "n_temperatures": fit.n_temperatures,
                    "n_members": fit.n_points,
                    "n_events": fit.n_events,
                    "activation_eV": fit.activation_eV,
                    "activation_ci_low_eV": fit.activation_ci_eV[0],
                    "activation_ci_high_eV": fit.activation_ci_eV[1],
                    "prefactor_per_ps": fit.prefactor_per_ps,
                    "prefactor_ci_low_per_ps": fit.prefactor_ci_per_ps[0],
                    "prefactor_ci_high_per_ps": fit.prefactor_ci_per_ps[1],
                    "dispersion": fit.dispersion,
                }
            )
    return rows


def _fit_line(ax, fits: list[dict], x: np.ndarray, colour, cloud, **match) -> None:
    """The Arrhenius line of the fit of `cloud` matching `match` (column: value), over `x`
    [1/eV], if that fit is finite."""
    fit = next(
        (
            f
            for f in fits
            if _row_cloud(f) == cloud and all(f[key] == value for key, value in match.items())
        ),
        None,
    )
    if fit is None or not math.isfinite(fit["activation_eV"]):
        return
    xs = np.linspace(x.min(), x.max(), 20)
    ax.plot(
        xs, fit["prefactor_per_ps"] * np.exp(-fit["activation_eV"] * xs), "-", color=colour, lw=1
    )


def plot_arrhenius(rates: list[dict], fits: list[dict], path: Path, *, title: str) -> None:
    """ln k against 1/k_BT per kind (all sites) and cloud, with the pooled intervals and the
    fitted lines; one panel per kind."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 3.8), layout="constrained")
    axes = list(fig.subplots(1, len(KINDS) + 1))
    conditions = list(dict.fromkeys(_row_cloud(r) for r in rates))
    for ax, kind in zip(axes, KINDS, strict=False):
        for s, ref in conditions:
            mine = [
                r
                for r in rates
                if r["kind"] == kind
                and r["site_class"] == "all"
                and _row_cloud(r) == (s, ref)
                and r["n_events"] > 0
            ]
            if not mine:
                continue
            x = np.array([1.0 / (kB * r["temperature_K"]) for r in mine])
            k = np.array([r["rate_per_ps"] for r in mine])
            err = np.array(
                [
                    [r["rate_per_ps"] - r["rate_ci_low_per_ps"] for r in mine],
                    [r["rate_ci_high_per_ps"] - r["rate_per_ps"] for r in mine],
                ]
            )
            first = mine[0]
            label = f"S = {first['supersaturation']:g}" + (
                ""
                if first["reference_temperature_K"] is None
                else f" (of {first['reference_temperature_K']:g} K)"
            )
            bar = ax.errorbar(x, k, yerr=err, fmt="o", ms=4, capsize=2, label=label)
            _fit_line(
                ax,
                fits,
                x,
                bar[0].get_color(),
                (s, ref),
                kind=kind,
                site_class="all",
                per="particle",
            )
        ax.set_xlabel("1 / k_B T [1/eV]")
        ax.set_title(f"{kind} (all sites)", fontsize=9)
        if ax.get_legend_handles_labels()[0]:
            ax.set_yscale("log")
            ax.legend(fontsize=7)
        else:
            ax.text(0.5, 0.5, "no events", transform=ax.transAxes, ha="center")
    axes[0].set_ylabel("rate per particle [1/ps]")
    _plot_per_site(axes[-1], rates, fits, conditions)
    fig.savefig(path, dpi=120, format="png")


def _plot_per_site(ax, rates: list[dict], fits: list[dict], conditions) -> None:
    """Detach rate per site of each surface class, with its per-site Arrhenius line."""
    markers = dict(zip(SURFACE_CLASSES, "o^s", strict=True))
    for number, (s, ref) in enumerate(conditions):
        for name in SURFACE_CLASSES:
            mine = [
                r
                for r in rates
                if r["kind"] == "detach"
                and r["site_class"] == name
                and _row_cloud(r) == (s, ref)
                and r["n_events"] > 0
                and math.isfinite(r["rate_per_site_per_ps"])
            ]
            if not mine:
                continue
            x = np.array([1.0 / (kB * r["temperature_K"]) for r in mine])
            k = np.array([r["rate_per_site_per_ps"] for r in mine])
            err = np.array(
                [
                    k - [r["rate_per_site_ci_low_per_ps"] for r in mine],
                    [r["rate_per_site_ci_high_per_ps"] for r in mine] - k,
                ]
            )
            first = mine[0]
            bar = ax.errorbar(
                x,
                k,
                yerr=err,
                fmt=markers[name],
                ms=4,
                capsize=2,
                color=f"C{number}",
                label=f"{name}, S = {first['supersaturation']:g}",
            )
            if len(x) > 1:
                _fit_line(ax, fits, x, bar[0].get_color(), (s, ref), site_class=name, per="site")
    ax.set_xlabel("1 / k_B T [1/eV]")
    ax.set_ylabel("detach rate per site [1/ps]")
    ax.set_title("detach per site of the class left", fontsize=9)
    if ax.get_legend_handles_labels()[0]:
        ax.set_yscale("log")
        ax.legend(fontsize=6)
    else:
        ax.text(0.5, 0.5, "no site exposure", transform=ax.transAxes, ha="center")
