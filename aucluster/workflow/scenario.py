"""Scenario files: one TOML file per process the experiment saw, with a full and a smoke size,
parsed once into typed, frozen settings.

Top-level keys: ``name``, ``description``, ``kind`` ("md": build → MD → analysis → movie →
measurements → report; "stability": the magic-number table), ``seed``. Tables (every key is
the field of the same name; units in the names where they are not Å, eV, ps, K):

- ``[structure]``: ``builder`` and its parameters (`aucluster.structures.specs`), with an
  optional ``[structure.cloud]`` of monomers and small clusters around the particle;
- ``[md]``: the fields of `aucluster.md.MDSettings` (``program`` as [[time_ps, T_K], …],
  ``duration_ps``, ``timestep_fs``, ``sample_interval`` …; ``[md.solvent]``, ``[md.wall]``);
  ``seed`` defaults to the scenario's;
- ``[imaging]``: the fields of `MovieSettings` (``pixel_size_A``, ``shape_px``,
  ``dose_e_per_A2`` per frame, ``frame_time_s`` (one exposure; the movie's frames are MD time
  apart, in ps, never relabelled as seconds), ``snapshots_per_frame``,
  ``orientation_seed``);
- ``[analysis]``: the fields of `aucluster.analysis.AnalysisSettings` (``lindemann_window``
  [frames], ``bond_cutoff`` …);
- ``[detectability]`` (optional): the fields of `DetectabilitySettings` (``radii_A``,
  ``grains``, ``motifs``, ``doses_e_per_A2``, ``orientations``, ``prior``,
  ``tilt_spread_deg``, ``frames_summed``, ``rotation_per_frame_deg``, ``min_strengths``);
- ``[stability]`` (kind "stability"): the fields of `StabilitySettings` (``potential``,
  ``motifs``, ``max_atoms``);
- ``[smoke]``: the same tables again, merged over the above by ``--smoke`` (CI size).

Parsing is the validation: every table and key is checked before any work is done (an
unknown key is refused naming the nearest valid one; a wrong type or range names the key, the
value and what is allowed).
"""

import copy
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from aucluster.analysis.frame import AnalysisSettings
from aucluster.config import check_keys, convert, from_table
from aucluster.errors import ParameterError
from aucluster.imaging.orientation import orientation_rotation
from aucluster.imaging.settings import (
    AcquisitionSettings,
    ImagingSettings,
    ScanSettings,
)
from aucluster.md.settings import MDSettings, settings_from_dict
from aucluster.stability.table import StabilitySettings
from aucluster.structures.specs import StructureSpec, structure_from_table
from aucluster.workflow.detectability import DetectabilitySettings


class ScenarioKind(StrEnum):
    """What `run_scenario` does with a scenario."""

    MD = "md"
    STABILITY = "stability"


TABLES = ("structure", "md", "imaging", "analysis", "detectability", "stability")
TOP_KEYS = ("name", "description", "kind", "seed", *TABLES)
#: Tables a scenario of each kind must not have (they would be silently unused).
_FOREIGN = {
    ScenarioKind.MD: ("stability",),
    ScenarioKind.STABILITY: ("structure", "md", "imaging", "analysis", "detectability"),
}

_SCAN, _ACQUISITION = ScanSettings(), AcquisitionSettings()


@dataclass(frozen=True, kw_only=True)
class MovieSettings:
    """The ``[imaging]`` table: the simulated movie's scan and acquisition, how many MD
    snapshots make one frame, and the seed of the particle's orientation (None: the
    scenario's seed)."""

    pixel_size_A: float = _SCAN.pixel_size_A
    shape_px: tuple[int, int] = _SCAN.shape_px
    dose_e_per_A2: float = _ACQUISITION.dose_e_per_A2  # per frame
    frame_time_s: float = _ACQUISITION.frame_time_s
    snapshots_per_frame: int = 1
    orientation_seed: int | None = None

    def __post_init__(self) -> None:
        self.imaging_settings()  # the ranges of the settings it makes
        if self.snapshots_per_frame < 1:
            raise ParameterError(
                f"[imaging] snapshots_per_frame = {self.snapshots_per_frame!r}: must be ≥ 1"
            )
        if self.orientation_seed is not None and self.orientation_seed < 0:
            raise ParameterError(
                f"[imaging] orientation_seed = {self.orientation_seed!r}: must be ≥ 0"
            )

    def imaging_settings(self) -> ImagingSettings:
        return ImagingSettings(
            scan=ScanSettings(pixel_size_A=self.pixel_size_A, shape_px=self.shape_px),
            acquisition=AcquisitionSettings(
                dose_e_per_A2=self.dose_e_per_A2, frame_time_s=self.frame_time_s
            ),
        )


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A scenario as loaded (smoke overrides already merged), every table typed.

    `tables` keeps the tables as written (with the smoke size merged): `to_dict` gives them
    back for the run directory's ``scenario.json``, provenance records and ensembles.
    """

    name: str
    description: str
    kind: ScenarioKind
    seed: int
    smoke: bool
    structure: StructureSpec | None
    md: MDSettings | None
    imaging: MovieSettings
    analysis: AnalysisSettings
    detectability: DetectabilitySettings | None
    stability: StabilitySettings | None
    tables: Mapping[str, Any] = field(compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "kind": str(self.kind),
            "seed": self.seed,
            "smoke": self.smoke,
            **{t: copy.deepcopy(dict(self.tables.get(t, {}))) for t in TABLES},
        }

    @property
    def orientation_seed(self) -> int:
        """Seed of the movie's particle orientation."""
        own = self.imaging.orientation_seed
        return self.seed if own is None else own

    def movie_rotation(self):
        return orientation_rotation(seed=self.orientation_seed)


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _table(data: dict, name: str) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ParameterError(f"[{name}] must be a table, not {value!r}")
    return value


def scenario_from_dict(
    tables: Mapping[str, Any], *, smoke: bool = False, smoke_merged: bool = False
) -> Scenario:
    """A checked `Scenario` from a scenario file's tables. ``smoke`` merges its ``[smoke]``
    table; ``smoke_merged`` marks tables that already have it merged (ensemble members)."""
    data: dict[str, Any] = copy.deepcopy(dict(tables))
    smoke_table = data.pop("smoke", {})
    if not isinstance(smoke_table, dict):
        raise ParameterError(f"[smoke] must be a table, not {smoke_table!r}")
    check_keys(smoke_table, TABLES, "[smoke]")
    if smoke:
        data = _merge(data, smoke_table)
    check_keys(data, TOP_KEYS, "scenario")
    if "name" not in data:
        raise ParameterError("the scenario has no name")
    name = convert(data["name"], str, "", "name")
    description = convert(data.get("description", ""), str, "", "description")
    kind = convert(data.get("kind", "md"), ScenarioKind, "", "kind")
    seed = convert(data.get("seed", 0), int, "", "seed")
    if seed < 0:
        raise ParameterError(f"seed = {seed}: must be ≥ 0 (a NumPy seed)")
    given = {t: _table(data, t) for t in TABLES}
    foreign = _FOREIGN[kind]
    for table in foreign:
        if given[table]:
            raise ParameterError(f"[{table}] does not apply to a kind = {str(kind)!r} scenario")
    imaging = from_table(MovieSettings, given["imaging"], "imaging")
    analysis = from_table(AnalysisSettings, given["analysis"], "analysis")
    structure = md = stability = None
    if kind is ScenarioKind.MD:
        structure = structure_from_table(given["structure"])
        if not given["md"]:
            raise ParameterError("an md scenario needs a [md] table")
        md = settings_from_dict({"seed": seed, **given["md"]}, table="md")
    else:
        stability = from_table(StabilitySettings, given["stability"], "stability")
    detectability = (
        from_table(DetectabilitySettings, given["detectability"], "detectability")
        if given["detectability"]
        else None
    )
    return Scenario(
        name=name,
        description=description,
        kind=kind,
        seed=seed,
        smoke=smoke or smoke_merged,
        structure=structure,
        md=md,
        imaging=imaging,
        analysis=analysis,
        detectability=detectability,
        stability=stability,
        tables={t: v for t, v in given.items() if v},
    )


def load_scenario(path: str | Path, *, smoke: bool = False) -> Scenario:
    """Read and check a scenario file; ``smoke`` merges its ``[smoke]`` table."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ParameterError(f"cannot read scenario {str(path)!r}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParameterError(f"scenario {str(path)!r} is not valid TOML: {exc}") from None
    if smoke:  # the full size is checked too: a smoke run must not pass a broken scenario
        scenario_from_dict(copy.deepcopy(data), smoke=False)
    return scenario_from_dict(data, smoke=smoke)


__all__ = [
    "MovieSettings",
    "Scenario",
    "ScenarioKind",
    "load_scenario",
    "scenario_from_dict",
]
