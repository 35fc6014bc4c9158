"""Scenario files: one TOML file per process the experiment saw, with a full and a smoke size.

Top-level keys: ``name``, ``description``, ``kind`` ("md": build → MD → analysis → movie →
measurements → report; "stability": the magic-number table), ``seed``. Tables:

- ``[structure]``: ``builder`` and its parameters (units in the names, see `build.py`), with
  an optional ``[structure.cloud]`` of monomers and small clusters around the particle;
- ``[md]``: the fields of `aucluster.md.MDSettings` (``program`` as [[time_ps, T_K], …],
  ``duration_ps``, ``timestep_fs``, ``sample_interval`` …; ``[md.solvent]``, ``[md.wall]``);
- ``[imaging]``: ``pixel_size_A``, ``size_px``, ``dose_e_per_A2`` (per frame),
  ``frame_time_s``, ``snapshots_per_frame``, ``orientation_seed``;
- ``[analysis]``: ``lindemann_window`` (frames);
- ``[detectability]`` (optional): ``radii_A``, ``grains``, ``doses_e_per_A2``,
  ``orientations`` — the FFT verdict against CNA (see `detectability.py`);
- ``[stability]`` (kind "stability"): ``potential``, ``motifs``, ``max_atoms``;
- ``[smoke]``: the same tables again, merged over the above by ``--smoke`` (CI size).
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aucluster.errors import ParameterError

KINDS = ("md", "stability")
TABLES = ("structure", "md", "imaging", "analysis", "detectability", "stability")
IMAGING_KEYS = {
    "pixel_size_A",
    "size_px",
    "dose_e_per_A2",
    "frame_time_s",
    "snapshots_per_frame",
    "orientation_seed",
}
ANALYSIS_KEYS = {"lindemann_window"}
DETECTABILITY_KEYS = {"radii_A", "grains", "doses_e_per_A2", "orientations"}
STABILITY_KEYS = {"potential", "motifs", "max_atoms"}


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A scenario as loaded (smoke overrides already merged)."""

    name: str
    description: str
    kind: str
    seed: int
    smoke: bool
    structure: dict[str, Any] = field(default_factory=dict)
    md: dict[str, Any] = field(default_factory=dict)
    imaging: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Any] = field(default_factory=dict)
    detectability: dict[str, Any] = field(default_factory=dict)
    stability: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "kind": self.kind,
            "seed": self.seed,
            "smoke": self.smoke,
            **{t: getattr(self, t) for t in TABLES},
        }

    def with_seed(self, seed: int) -> "Scenario":
        data = self.to_dict()
        data["seed"] = int(seed)
        return Scenario(**data)


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _check_keys(table: str, data: dict, allowed: set[str]) -> None:
    bad = sorted(set(data) - allowed)
    if bad:
        raise ParameterError(
            f"[{table}]: unknown key(s) {', '.join(bad)}: allowed are {', '.join(sorted(allowed))}"
        )


def scenario_from_dict(data: dict[str, Any], *, smoke: bool = False) -> Scenario:
    data = dict(data)
    smoke_table = data.pop("smoke", {})
    if smoke:
        data = _merge(data, smoke_table)
    allowed_top = {"name", "description", "kind", "seed", *TABLES}
    _check_keys("scenario", data, allowed_top)
    kind = data.get("kind", "md")
    if kind not in KINDS:
        raise ParameterError(f"kind = {kind!r}: allowed are {', '.join(KINDS)}")
    if "name" not in data:
        raise ParameterError("the scenario has no name")
    seed = data.get("seed", 0)
    if int(seed) != seed:
        raise ParameterError(f"seed = {seed!r}: must be an integer")
    _check_keys("imaging", data.get("imaging", {}), IMAGING_KEYS)
    _check_keys("analysis", data.get("analysis", {}), ANALYSIS_KEYS)
    _check_keys("detectability", data.get("detectability", {}), DETECTABILITY_KEYS)
    _check_keys("stability", data.get("stability", {}), STABILITY_KEYS)
    if kind == "md":
        for table in ("structure", "md"):
            if not data.get(table):
                raise ParameterError(f"an md scenario needs a [{table}] table")
    scenario = Scenario(
        name=str(data["name"]),
        description=str(data.get("description", "")),
        kind=kind,
        seed=int(seed),
        smoke=smoke,
        **{t: dict(data.get(t, {})) for t in TABLES},
    )
    validate(scenario)
    return scenario


def validate(scenario: Scenario) -> None:
    """Build every settings object once, so a bad value fails before any work."""
    if scenario.kind == "md":
        from aucluster.workflow.build import check_structure
        from aucluster.workflow.pipeline import imaging_settings, md_settings

        check_structure(scenario.structure)
        md_settings(scenario)
        imaging_settings(scenario)
    else:
        from aucluster.stability.candidates import check_max_atoms, parse_motifs
        from aucluster.stability.table import _check_potential

        s = scenario.stability
        _check_potential(s.get("potential", "emt"))
        parse_motifs(s.get("motifs", "all"))
        check_max_atoms(s.get("max_atoms", 1000))


def load_scenario(path: str | Path, *, smoke: bool = False) -> Scenario:
    """Read and check a scenario file; ``smoke`` merges its ``[smoke]`` table."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ParameterError(f"cannot read scenario {str(path)!r}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"scenario {str(path)!r} is not valid TOML: {exc}") from None
    return scenario_from_dict(data, smoke=smoke)
