"""The paper's claims as tested hypotheses: a study file of arms, replicas and temperatures,
its member runs as Dask tasks, and `claims.csv` with confidence intervals and verdicts.

A study file (``kind = "study"``, e.g. workflows/claims.toml) holds:

- ``replicas`` and ``temperatures_K`` (each member holds its temperature for the whole run:
  its ``[md] program`` is set by the study, so arms must not give one);
- ``[base]``: scenario tables (``structure``, ``md``, ``imaging``, ``analysis``) every arm
  starts from;
- ``[arms.NAME]``: a ``description`` and tables merged over the base (a treatment or a
  control); an arm's ``structure`` replaces the base's whole (another builder has other
  options);
- ``[[claims]]``: ``id``, ``statement``, ``metric`` (one of `METRICS`), ``treatment`` (an arm),
  ``control`` (an arm, or a number for a one-sample claim), ``direction`` ("greater" or
  "less": the claimed sign of treatment − control) and ``min_effect`` (the smallest effect
  that would matter, in the metric's unit, written before the runs);
- ``[smoke]``: the same keys again, merged over the above by ``--smoke``.

Member r of every arm at every temperature has the seed ``seed + r``: its own initial
structure (the builders draw grains, orientations and the cloud from it), and the same one in
every arm, so arms differ only by what the arm changes. Each member is a whole `run_scenario`
in ``ARM/T{T}K/member-{r}`` and resumes on its own.

Statistics (`claim_rows`): per arm the median with a percentile-bootstrap 95 % interval; the
effect = median(treatment) − median(control) with a two-sample percentile-bootstrap 95 %
interval (arms resampled independently); the rank-biserial correlation 2U/(n₁n₂) − 1; the
one-sided Mann–Whitney p in the claimed direction (a sign test against the number for a
one-sample claim). Verdict rule (docs/claims.md, fixed before the runs): ``supported`` if
p < 0.05 and the effect's interval excludes 0 on the claimed side; else ``not supported`` if
the interval's claimed-side end falls short of ``min_effect`` (the effect is at most smaller
than what would matter, or of the other sign); else ``inconclusive``.
"""

import copy
import json
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from aucluster.config import check_keys, convert
from aucluster.errors import ParameterError
from aucluster.md.rundir import RUN_JSON
from aucluster.md.runner import check_start
from aucluster.parallel import BatchCluster, map_unordered
from aucluster.store import read_csv, write_csv
from aucluster.store.files import check_output_dir, make_output_dir, write_json
from aucluster.thermo.homologous import MIN_FIT_ATOMS, melting_scale
from aucluster.workflow import rundir as rd
from aucluster.workflow.pipeline import run_scenario
from aucluster.workflow.scenario import Scenario, scenario_from_dict

STUDY_KEYS = (
    "name",
    "description",
    "kind",
    "seed",
    "replicas",
    "temperatures_K",
    "base",
    "arms",
    "claims",
    "smoke",
)
ARM_TABLES = ("structure", "md", "imaging", "analysis")
CLAIM_KEYS = ("id", "statement", "metric", "treatment", "control", "direction", "min_effect")
DIRECTIONS = ("greater", "less")
#: Bootstrap resamples and the seed of their generator (the intervals are reproducible).
N_RESAMPLES = 4000
BOOTSTRAP_SEED = 20261205
ALPHA = 0.05


# ---- metrics: one number per member run, read from its files -----------------------------


def _frames(run: Path) -> list[dict[str, str]]:
    return read_csv(run / rd.FRAMES_CSV)


def _final_quarter(values: Sequence[float]) -> float:
    """Mean over the last quarter of the frames (at least one frame)."""
    k = max(1, len(values) // 4)
    return float(np.mean(values[-k:]))


def _gain(column: str) -> Callable[[Path], float]:
    def metric(run: Path) -> float:
        values = [float(r[column]) for r in _frames(run)]
        return _final_quarter(values) - values[0]

    return metric


def _grains_last(run: Path) -> float:
    return float(_frames(run)[-1]["n_grains"])


def _whole_run_rate(kind: str) -> Callable[[Path], float]:
    def metric(run: Path) -> float:
        rows = [
            r
            for r in read_csv(run / rd.RATES_CSV)
            if r["kind"] == kind and r["site_class"] == "all"
        ]
        whole = max(rows, key=lambda r: float(r["window_end_ps"]) - float(r["window_start_ps"]))
        return float(whole["rate_per_ps"])

    return metric


def _movie_change(column: str) -> Callable[[Path], float]:
    """Last minus first movie frame of the largest particle's measurement (NaN if a frame
    has no particle)."""

    def metric(run: Path) -> float:
        largest: dict[int, dict[str, str]] = {}
        for row in read_csv(run / rd.MEASUREMENTS_CSV):
            k = int(row["frame"])
            if k not in largest or float(row["area_nm2"]) > float(largest[k]["area_nm2"]):
                largest[k] = row
        if not largest:
            return math.nan
        return float(largest[max(largest)][column]) - float(largest[min(largest)][column])

    return metric


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    meaning: str
    of: Callable[[Path], float]


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "interior_crystalline_gain",
            "1",
            "interior crystalline fraction: mean over the last quarter of the frames − first frame",
            _gain("crystalline_fraction_interior"),
        ),
        Metric(
            "crystalline_gain",
            "1",
            "crystalline fraction: mean over the last quarter − first frame",
            _gain("crystalline_fraction"),
        ),
        Metric("grains_last", "grains", "CNA grains of the last frame", _grains_last),
        Metric(
            "detach_rate_per_ps",
            "1/ps",
            "detach events per ps over the whole run",
            _whole_run_rate("detach"),
        ),
        Metric(
            "attach_rate_per_ps",
            "1/ps",
            "attach events per ps over the whole run",
            _whole_run_rate("attach"),
        ),
        Metric(
            "particle_atoms_change",
            "atoms",
            "particle atoms: mean over the last quarter − first frame",
            _gain("n_particle"),
        ),
        Metric(
            "area_change_nm2",
            "nm²",
            "projected area of the movie's largest particle: last − first frame",
            _movie_change("area_nm2"),
        ),
        Metric(
            "grey_change",
            "1",
            "mean grey value of the movie's largest particle: last − first frame",
            _movie_change("mean_grey"),
        ),
    )
}


# ---- the study file ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Claim:
    id: str
    statement: str
    metric: str
    treatment: str
    control: str | float  # an arm, or the number of a one-sample claim
    direction: str
    min_effect: float

    @property
    def one_sample(self) -> bool:
        return not isinstance(self.control, str)


@dataclass(frozen=True, kw_only=True)
class Arm:
    name: str
    description: str
    tables: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class Study:
    name: str
    description: str
    seed: int
    smoke: bool
    replicas: int
    temperatures_K: tuple[float, ...]
    base: Mapping[str, Any]
    arms: Mapping[str, Arm]
    claims: tuple[Claim, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "kind": "study",
            "seed": self.seed,
            "smoke": self.smoke,
            "replicas": self.replicas,
            "temperatures_K": list(self.temperatures_K),
            "base": copy.deepcopy(dict(self.base)),
            "arms": {
                a.name: {"description": a.description, **copy.deepcopy(dict(a.tables))}
                for a in self.arms.values()
            },
            "claims": [{k: getattr(c, k) for k in CLAIM_KEYS} for c in self.claims],
        }


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _tables(value: Any, where: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParameterError(f"{where} must be a table, not {value!r}")
    check_keys(value, (*ARM_TABLES, *extra), where)
    for key in ARM_TABLES:
        if key in value and not isinstance(value[key], dict):
            raise ParameterError(f"{where}.{key} must be a table, not {value[key]!r}")
    if "program" in value.get("md", {}):
        raise ParameterError(
            f"{where}.md.program: the study sets each member's program (a hold at each of "
            "temperatures_K); give duration_ps instead"
        )
    return value


def _claim(data: Any, arms: Mapping[str, Arm], index: int) -> Claim:
    where = f"[[claims]] #{index + 1}"
    if not isinstance(data, dict):
        raise ParameterError(f"{where} must be a table, not {data!r}")
    check_keys(data, CLAIM_KEYS, where)
    missing = [k for k in CLAIM_KEYS if k not in data]
    if missing:
        raise ParameterError(f"{where}: missing {', '.join(missing)}")
    claim_id = convert(data["id"], str, "claims", "id")
    where = f"claim {claim_id}"
    metric = convert(data["metric"], str, "claims", "metric")
    if metric not in METRICS:
        raise ParameterError(f"{where}: metric {metric!r}: allowed are {', '.join(METRICS)}")
    treatment = convert(data["treatment"], str, "claims", "treatment")
    control = data["control"]
    for role, arm in (("treatment", treatment), ("control", control)):
        if isinstance(arm, str) and arm not in arms:
            raise ParameterError(f"{where}: {role} {arm!r} is not an arm (arms: {', '.join(arms)})")
    if not isinstance(control, str):
        control = convert(control, float, "claims", "control")
        if not math.isfinite(control):
            raise ParameterError(f"{where}: control {control!r} must be an arm or a number")
    elif control == treatment:
        raise ParameterError(f"{where}: treatment and control are the same arm")
    direction = convert(data["direction"], str, "claims", "direction")
    if direction not in DIRECTIONS:
        raise ParameterError(f"{where}: direction {direction!r}: 'greater' or 'less'")
    min_effect = convert(data["min_effect"], float, "claims", "min_effect")
    if not (math.isfinite(min_effect) and min_effect > 0):
        raise ParameterError(f"{where}: min_effect = {min_effect!r}: must be > 0")
    return Claim(
        id=claim_id,
        statement=convert(data["statement"], str, "claims", "statement"),
        metric=metric,
        treatment=treatment,
        control=control,
        direction=direction,
        min_effect=min_effect,
    )


def study_from_dict(tables: Mapping[str, Any], *, smoke: bool = False) -> Study:
    """A checked `Study` (every member scenario is checked too, before any work)."""
    data: dict[str, Any] = copy.deepcopy(dict(tables))
    check_keys(data, STUDY_KEYS, "study")
    smoke_table = data.pop("smoke", {})
    if isinstance(smoke_table, bool):  # `Study.to_dict`: the smoke size already merged
        smoke, smoke_table = smoke or smoke_table, {}
    if not isinstance(smoke_table, dict):
        raise ParameterError(f"[smoke] must be a table, not {smoke_table!r}")
    check_keys(smoke_table, ("replicas", "temperatures_K", "base", "arms"), "[smoke]")
    if smoke:
        data = _merge(data, smoke_table)
    if convert(data.get("kind", "study"), str, "", "kind") != "study":
        raise ParameterError("a study file has kind = 'study'")
    if "name" not in data:
        raise ParameterError("the study has no name")
    replicas = convert(data.get("replicas", 1), int, "", "replicas")
    if replicas < 1:
        raise ParameterError(f"replicas = {replicas}: must be ≥ 1")
    temps = data.get("temperatures_K")
    if not isinstance(temps, list) or not temps:
        raise ParameterError("temperatures_K: give a list of temperatures [K], e.g. [550, 600]")
    temperatures = tuple(convert(t, float, "", "temperatures_K") for t in temps)
    if any(not (math.isfinite(t) and t > 0) for t in temperatures):
        raise ParameterError(f"temperatures_K = {temps!r}: each must be a positive number")
    if len(set(temperatures)) != len(temperatures):
        raise ParameterError(f"temperatures_K = {temps!r}: a temperature is repeated")
    base = _tables(data.get("base", {}), "[base]")
    arms_data = data.get("arms")
    if not isinstance(arms_data, dict) or not arms_data:
        raise ParameterError("a study needs [arms.NAME] tables")
    arms = {}
    for name, table in arms_data.items():
        t = _tables(table, f"[arms.{name}]", ("description",))
        arms[name] = Arm(
            name=name,
            description=convert(t.get("description", ""), str, f"arms.{name}", "description"),
            tables={k: v for k, v in t.items() if k != "description"},
        )
    claims_data = data.get("claims")
    if not isinstance(claims_data, list) or not claims_data:
        raise ParameterError("a study needs [[claims]]")
    claims = tuple(_claim(c, arms, i) for i, c in enumerate(claims_data))
    ids = [c.id for c in claims]
    if len(set(ids)) != len(ids):
        raise ParameterError(f"claim ids must be unique: {ids}")
    study = Study(
        name=convert(data["name"], str, "", "name"),
        description=convert(data.get("description", ""), str, "", "description"),
        seed=convert(data.get("seed", 0), int, "", "seed"),
        smoke=smoke,
        replicas=replicas,
        temperatures_K=temperatures,
        base=base,
        arms=arms,
        claims=claims,
    )
    for arm in arms.values():  # parsing is the validation: every arm's scenario, now
        for t in temperatures:
            member_scenario(study, arm.name, t, 0)
    return study


def load_study(path: str | Path, *, smoke: bool = False) -> Study:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ParameterError(f"cannot read study {str(path)!r}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParameterError(f"study {str(path)!r} is not valid TOML: {exc}") from None
    return study_from_dict(data, smoke=smoke)


def is_study_file(path: str | Path) -> bool:
    """True for a TOML file with ``kind = "study"`` (anything else is left to the scenario
    loader, which says what is wrong with it)."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle).get("kind") == "study"
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


# ---- members -----------------------------------------------------------------------------


def temperature_label(temperature_K: float) -> str:
    return f"T{temperature_K:g}K"


def member_dir(out: Path, arm: str, temperature_K: float, replica: int) -> Path:
    return out / arm / temperature_label(temperature_K) / f"member-{replica:03d}"


def member_scenario(study: Study, arm: str, temperature_K: float, replica: int) -> Scenario:
    """The scenario of one member: base ⊕ arm, a hold at `temperature_K`, seed + replica."""
    own = study.arms[arm].tables
    tables = _merge({k: v for k, v in study.base.items() if k != "structure" or k not in own}, own)
    md = tables.setdefault("md", {})
    if "duration_ps" not in md:
        raise ParameterError(f"[arms.{arm}]: no md.duration_ps (in [base.md] or the arm)")
    md["program"] = [[0.0, temperature_K], [float(md["duration_ps"]), temperature_K]]
    data = {
        "name": f"{study.name}-{arm}",
        "description": study.arms[arm].description,
        "kind": "md",
        "seed": study.seed + replica,
        **tables,
    }
    return scenario_from_dict(data, smoke_merged=study.smoke)


def members(study: Study, out: Path) -> list[tuple[str, float, int, Scenario, Path]]:
    return [
        (arm, t, r, member_scenario(study, arm, t, r), member_dir(out, arm, t, r))
        for arm in study.arms
        for t in study.temperatures_K
        for r in range(study.replicas)
    ]


def _run_member(job: tuple[Scenario, str]) -> str:
    scenario, directory = job
    run_scenario(scenario, directory)
    return directory


# ---- statistics --------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def _rng() -> np.random.Generator:
    return np.random.default_rng(BOOTSTRAP_SEED)


def median_interval(values: Sequence[float]) -> Interval:
    """Percentile-bootstrap 95 % interval of the median."""
    x = np.asarray(values, dtype=float)
    if len(x) < 2 or np.all(x == x[0]):
        return Interval(float(np.median(x)), float(np.median(x)))
    res = stats.bootstrap(
        (x,),
        np.median,
        n_resamples=N_RESAMPLES,
        confidence_level=0.95,
        method="percentile",
        rng=_rng(),
    )
    return Interval(float(res.confidence_interval.low), float(res.confidence_interval.high))


def _median_difference(a, b, axis=-1):
    return np.median(a, axis=axis) - np.median(b, axis=axis)


def effect_interval(treatment: Sequence[float], control: Sequence[float]) -> Interval:
    """Percentile-bootstrap 95 % interval of median(treatment) − median(control), the two
    arms resampled independently."""
    x, y = np.asarray(treatment, float), np.asarray(control, float)
    point = float(np.median(x) - np.median(y))
    if np.all(x == x[0]) and np.all(y == y[0]):
        return Interval(point, point)
    if len(x) < 2 or len(y) < 2:  # one arm of a single value: no resampling, no interval
        return Interval(math.nan, math.nan)
    res = stats.bootstrap(
        (x, y),
        _median_difference,
        n_resamples=N_RESAMPLES,
        confidence_level=0.95,
        method="percentile",
        paired=False,
        vectorized=True,
        rng=_rng(),
    )
    return Interval(float(res.confidence_interval.low), float(res.confidence_interval.high))


def one_sided_p(treatment, control, direction: str) -> tuple[str, float]:
    """(test, p): Mann–Whitney U against an arm, a sign test against a number."""
    x = np.asarray(treatment, float)
    if isinstance(control, (int, float)):
        above, below = int(np.sum(x > control)), int(np.sum(x < control))
        k = above if direction == "greater" else below
        n = above + below
        p = 1.0 if n == 0 else float(stats.binomtest(k, n, 0.5, alternative="greater").pvalue)
        return "sign test", p
    y = np.asarray(control, float)
    return "Mann-Whitney U", float(stats.mannwhitneyu(x, y, alternative=direction).pvalue)


def rank_biserial(treatment, control) -> float:
    """2U/(n₁n₂) − 1 with U of the treatment (+1: every treatment value above every control
    value); against a number, the sign balance (n_above − n_below)/n."""
    x = np.asarray(treatment, float)
    if isinstance(control, (int, float)):
        return (int(np.sum(x > control)) - int(np.sum(x < control))) / len(x)
    y = np.asarray(control, float)
    u = stats.mannwhitneyu(x, y).statistic
    return float(2.0 * u / (len(x) * len(y)) - 1.0)


def verdict(p: float, effect: Interval, direction: str, min_effect: float) -> str:
    """The rule of docs/claims.md (fixed before the runs)."""
    sign = 1.0 if direction == "greater" else -1.0
    near, far = sorted((sign * effect.low, sign * effect.high))
    if p < ALPHA and near > 0:
        return "supported"
    if far < min_effect:
        return "not supported"
    return "inconclusive"


# ---- the table ---------------------------------------------------------------------------

CLAIM_COLUMNS = (
    "claim",
    "statement",
    "temperature_K",
    "T_over_Tm_bulk",
    "T_over_Tm_N",
    "n_atoms_treatment",
    "metric",
    "unit",
    "treatment",
    "control",
    "direction",
    "n_treatment",
    "n_control",
    "median_treatment",
    "ci_low_treatment",
    "ci_high_treatment",
    "median_control",
    "ci_low_control",
    "ci_high_control",
    "effect",
    "effect_ci_low",
    "effect_ci_high",
    "rank_biserial",
    "test",
    "p_one_sided",
    "min_effect",
    "verdict",
)
MEMBER_COLUMNS = ("arm", "temperature_K", "replica", "seed", "n_atoms_first", "metric", "value")


def member_values(study: Study, out: Path) -> list[dict[str, Any]]:
    """Every metric a claim uses, of every finished member, read from its files."""
    used = sorted({c.metric for c in study.claims})
    rows = []
    for arm, t, r, scenario, directory in members(study, out):
        n_first = int(_frames(directory)[0]["n_particle"])
        for name in used:
            rows.append(
                {
                    "arm": arm,
                    "temperature_K": t,
                    "replica": r,
                    "seed": scenario.seed,
                    "n_atoms_first": n_first,
                    "metric": name,
                    "value": METRICS[name].of(directory),
                }
            )
    return rows


def _values(rows, arm: str, t: float, metric: str) -> list[float]:
    return [
        float(r["value"])
        for r in rows
        if r["arm"] == arm
        and float(r["temperature_K"]) == t
        and r["metric"] == metric
        and math.isfinite(float(r["value"]))
    ]


def claim_rows(study: Study, values: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per claim × temperature from the members' values (`member_values`)."""
    scale = melting_scale("emt")
    out = []
    for claim in study.claims:
        for t in study.temperatures_K:
            x = _values(values, claim.treatment, t, claim.metric)
            if isinstance(claim.control, str):
                y: Any = _values(values, claim.control, t, claim.metric)
            else:
                y = float(claim.control)
            sizes = [
                int(r["n_atoms_first"])
                for r in values
                if r["arm"] == claim.treatment
                and float(r["temperature_K"]) == t
                and r["metric"] == claim.metric
            ]
            n_atoms = int(np.median(sizes)) if sizes else 0
            row: dict[str, Any] = {
                "claim": claim.id,
                "statement": claim.statement,
                "temperature_K": t,
                "T_over_Tm_bulk": t / scale.bulk_K if scale else "",
                # no T_m(N) below the fit's smallest sizes (no sharp melting step there)
                "T_over_Tm_N": (
                    t / scale.cluster_K(n_atoms) if scale and n_atoms >= MIN_FIT_ATOMS else ""
                ),
                "n_atoms_treatment": n_atoms,
                "metric": claim.metric,
                "unit": METRICS[claim.metric].unit,
                "treatment": claim.treatment,
                "control": claim.control,
                "direction": claim.direction,
                "n_treatment": len(x),
                "n_control": "" if claim.one_sample else len(y),
                "min_effect": claim.min_effect,
            }
            if not x or (not claim.one_sample and not y):
                row["verdict"] = "no data"
                out.append(row)
                continue
            mt = median_interval(x)
            if claim.one_sample:
                control_median = float(y)
                effect = Interval(mt.low - control_median, mt.high - control_median)
                mc = Interval(control_median, control_median)
            else:
                control_median = float(np.median(y))
                effect = effect_interval(x, y)
                mc = median_interval(y)
            test, p = one_sided_p(x, y, claim.direction)
            row.update(
                {
                    "median_treatment": float(np.median(x)),
                    "ci_low_treatment": mt.low,
                    "ci_high_treatment": mt.high,
                    "median_control": control_median,
                    "ci_low_control": mc.low,
                    "ci_high_control": mc.high,
                    "effect": float(np.median(x)) - control_median,
                    "effect_ci_low": effect.low,
                    "effect_ci_high": effect.high,
                    "rank_biserial": rank_biserial(x, y),
                    "test": test,
                    "p_one_sided": p,
                    "verdict": verdict(p, effect, claim.direction, claim.min_effect),
                }
            )
            out.append(row)
    return out


def plot_claims(study: Study, values, rows, path: Path) -> Path:
    """Each claim's member values per arm and temperature (every replica a dot, the median a
    bar), with the verdict in the title."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from aucluster.store import atomic_output

    temps = study.temperatures_K
    fig, axes = plt.subplots(
        len(study.claims),
        len(temps),
        figsize=(3.6 * len(temps), 2.5 * len(study.claims)),
        squeeze=False,
    )
    verdicts = {(r["claim"], r["temperature_K"]): r.get("verdict", "") for r in rows}
    rng = np.random.default_rng(0)
    for i, claim in enumerate(study.claims):
        arms = [claim.treatment] + ([] if claim.one_sample else [str(claim.control)])
        for j, t in enumerate(temps):
            ax = axes[i, j]
            for k, arm in enumerate(arms):
                v = _values(values, arm, t, claim.metric)
                ax.scatter(k + rng.uniform(-0.12, 0.12, len(v)), v, s=12, alpha=0.7)
                if v:
                    ax.hlines(np.median(v), k - 0.25, k + 0.25, color="k")
            if claim.one_sample:
                ax.axhline(float(claim.control), color="grey", ls="--", lw=1)
            ax.set_xticks(range(len(arms)), arms, fontsize=7)
            ax.set_xlim(-0.6, len(arms) - 0.4)
            ax.set_ylabel(f"{claim.metric} [{METRICS[claim.metric].unit}]", fontsize=7)
            ax.set_title(f"{claim.id}, {t:g} K: {verdicts.get((claim.id, t), '')}", fontsize=8)
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    with atomic_output(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)
    return path


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def write_claims_report(study: Study, rows, path: Path) -> Path:
    from aucluster.store import atomic_output

    lines = [
        f"# {study.name}: the paper's claims as tested hypotheses",
        "",
        study.description,
        "",
        f"{study.replicas} replicas per arm at "
        + ", ".join(f"{t:g} K" for t in study.temperatures_K)
        + (" (smoke size)" if study.smoke else "")
        + "; each replica its own initial structure (seed + replica), the same in every arm.",
        "",
        "Verdict rule (fixed before the runs): supported if the one-sided p < 0.05 and the "
        "effect's 95 % interval excludes 0 on the claimed side; not supported if the "
        "interval's claimed-side end is short of min_effect; else inconclusive.",
        "",
        "| claim | T [K] | T/T_m(N) | metric | treatment | control | median T (95 %) | "
        "median C (95 %) | effect (95 %) | r_rb | p | verdict |",
        "|---|---:|---:|---|---|---|---|---|---|---:|---:|---|",
    ]
    for r in rows:
        if r["verdict"] == "no data":
            lines.append(
                f"| {r['claim']} | {r['temperature_K']:g} | | {r['metric']} | {r['treatment']} "
                f"| {r['control']} | | | | | | no data |"
            )
            continue
        lines.append(
            f"| {r['claim']} | {r['temperature_K']:g} | {_fmt(r['T_over_Tm_N'])} | {r['metric']} "
            f"| {r['treatment']} (n={r['n_treatment']}) | {r['control']} "
            f"| {_fmt(r['median_treatment'])} [{_fmt(r['ci_low_treatment'])}, "
            f"{_fmt(r['ci_high_treatment'])}] | {_fmt(r['median_control'])} "
            f"[{_fmt(r['ci_low_control'])}, {_fmt(r['ci_high_control'])}] "
            f"| {_fmt(r['effect'])} [{_fmt(r['effect_ci_low'])}, {_fmt(r['effect_ci_high'])}] "
            f"| {_fmt(r['rank_biserial'])} | {_fmt(r['p_one_sided'])} | **{r['verdict']}** |"
        )
    lines += ["", "Claims:", ""]
    lines += [f"- **{c.id}** ({c.direction}): {c.statement}" for c in study.claims]
    lines += ["", "![claims](claims.png)", ""]
    with atomic_output(path) as tmp:
        Path(tmp).write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass(frozen=True)
class StudyResult:
    directory: Path
    claims_csv: Path
    report: Path


STUDY_JSON = "study.json"
CLAIMS_CSV = "claims.csv"
MEMBERS_CSV = "members.csv"
CLAIMS_PNG = "claims.png"
CLAIMS_MD = "claims.md"


def _claim_study_dir(study: Study, out: Path) -> None:
    """Refuse a directory holding another study; record this one."""
    path = out / STUDY_JSON
    mine = study.to_dict()
    if path.exists():
        theirs = json.loads(path.read_text())
        if theirs != json.loads(json.dumps(mine)):
            raise ParameterError(
                f"{str(out)!r} holds another study (or other settings): use a new -o directory"
            )
        return
    write_json(path, mine)


def summarise_study(study: Study, out_dir: str | Path) -> StudyResult:
    """members.csv, claims.csv, claims.png and claims.md from the finished members."""
    out = Path(out_dir)
    values = member_values(study, out)
    rows = claim_rows(study, values)
    write_csv(out / MEMBERS_CSV, values, MEMBER_COLUMNS)
    path = write_csv(out / CLAIMS_CSV, rows, CLAIM_COLUMNS)
    plot_claims(study, values, rows, out / CLAIMS_PNG)
    report = write_claims_report(study, rows, out / CLAIMS_MD)
    return StudyResult(directory=out, claims_csv=path, report=report)


def check_members(study: Study, out: Path) -> None:
    """Build every member's starting structure that has not run yet and check that its MD can
    start (`aucluster.md.runner.check_start`): one arm whose pocket cannot hold its particle is
    refused before any member runs, not after the others have."""
    for arm, t, r, scenario, directory in members(study, out):
        if (directory / rd.MD_DIR / RUN_JSON).exists() or scenario.md is None:
            continue
        assert scenario.structure is not None
        try:
            check_start(scenario.structure.build(scenario.seed), scenario.md)
        except ParameterError as exc:
            raise ParameterError(f"[arms.{arm}] at {t:g} K, replica {r}: {exc}") from None


def run_study(
    study: Study,
    out_dir: str | Path,
    *,
    workers: int | None = None,
    scheduler: "str | BatchCluster | None" = None,
    progress: Callable[[int], None] | None = None,
) -> StudyResult:
    """Run (or finish) every member as a Dask task, then `summarise_study`."""
    check_members(study, Path(out_dir))
    check_output_dir(out_dir)
    jobs = [(scenario, str(d)) for _, _, _, scenario, d in members(study, Path(out_dir))]
    # the pool first (workers checked, scheduler reached): a refusal leaves no directory
    results = map_unordered(_run_member, jobs, workers=workers, scheduler=scheduler)
    try:
        out = make_output_dir(out_dir)
        _claim_study_dir(study, out)
    except BaseException:
        results.close()
        raise
    for _index, _directory in results:
        if progress is not None:
            progress(1)
    return summarise_study(study, out)


__all__ = [
    "CLAIM_COLUMNS",
    "METRICS",
    "Claim",
    "Study",
    "StudyResult",
    "claim_rows",
    "is_study_file",
    "load_study",
    "member_values",
    "run_study",
    "study_from_dict",
    "summarise_study",
    "verdict",
]
