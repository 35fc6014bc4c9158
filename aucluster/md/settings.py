"""MD settings: one frozen, keyword-only dataclass, validated on creation."""

import math
import tomllib
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from aucluster.config import convert, from_table
from aucluster.errors import ParameterError
from aucluster.md.cloud import CloudSettings, cloud_hamiltonian
from aucluster.md.programs import TemperatureProgram, constant
from aucluster.potentials import Hamiltonian, Potential, SolventParameters, WallParameters


class Ensemble(StrEnum):
    """Langevin NVT, or microcanonical velocity Verlet."""

    LANGEVIN = "langevin"
    NVE = "nve"


#: The longest timestep [fs] the cloud model is run with: NVE drifts 3e-7 eV/atom/ps at 2 fs
#: and 1.2e-5 at 5 fs (tests/potentials/test_correction.py; the bound is 1e-5).
CLOUD_MAX_TIMESTEP_FS = 2.0
#: Longest timestep [fs]: Au's highest phonon frequency is ~4.6 THz (LA at X; Lynn, Smith and
#: Nicklow, Phys. Rev. B 8, 3493 (1973)), a period of ~220 fs; beyond ~20 fs a step is no
#: longer a small fraction of it and Verlet integration degrades, then diverges.
MAX_TIMESTEP_FS = 20.0


@dataclass(frozen=True, kw_only=True)
class MDSettings:
    """Everything that defines an MD run (apart from the starting structure).

    Attributes
    ----------
    program : TemperatureProgram
        Target temperature against time (Langevin). In NVE only T(0) is used, to draw
        initial velocities when the structure has none.
    timestep_fs : float
        Integration step [fs]; 5 fs is the usual choice for Au with EMT.
    n_steps, duration_ps : int, float
        Length of the run: give exactly one.
    friction_per_fs : float
        Langevin friction γ [1/fs]; 0.01 fs⁻¹ couples on a 100 fs time scale.
    sample_interval : int
        Steps between trajectory frames and log rows.
    checkpoint_interval : int
        Steps between checkpoints (a multiple of `sample_interval`).
    seed : int
        Seeds the initial velocities and the Langevin noise.
    potential : Potential
        asap3 EMT (default) or Gupta (Baletto's Au).
    solvent : SolventParameters
        Implicit solvent; μ_s = 0 (default) switches it off.
    wall : WallParameters or None
        Spherical confining wall; None for none.
    cluster_correction : bool
        Correct EMT Au's small clusters: the real dimer (D₀ 2.29 eV at 2.47 Å) and a bond
        penalty among low-coordinated atoms fitted to PBE Au₃–Au₇
        (`aucluster.potentials.correction`, `aucluster.potentials.small_clusters`).
    cloud : CloudSettings or None
        The cluster-cloud model (`aucluster.md.cloud`): the pocket (the wall) is seeded at
        supersaturation S when the run starts, the solvent's μ_s is the cloud's and the
        small-cluster correction is on. None (default) for no cloud.
    max_force_eV_per_A : float
        A force above this [eV/Å] stops the run as blown up (overlapping atoms, too long a
        step): normal Au MD stays below ~5 eV/Å.
    """

    program: TemperatureProgram = field(default_factory=lambda: constant(300.0))
    ensemble: Ensemble = Ensemble.LANGEVIN
    timestep_fs: float = 5.0
    n_steps: int | None = None
    duration_ps: float | None = None
    friction_per_fs: float = 0.01
    sample_interval: int = 100
    checkpoint_interval: int = 1000
    seed: int = 0
    potential: Potential = Potential.EMT
    solvent: SolventParameters = field(default_factory=SolventParameters)
    wall: WallParameters | None = None
    cluster_correction: bool = False
    cloud: CloudSettings | None = None
    max_force_eV_per_A: float = 50.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "ensemble", Ensemble(self.ensemble))
        object.__setattr__(self, "potential", Potential(self.potential))
        if not (self.timestep_fs > 0 and math.isfinite(self.timestep_fs)):
            raise ParameterError(f"timestep {self.timestep_fs!r} fs: must be positive")
        if self.timestep_fs > MAX_TIMESTEP_FS:
            raise ParameterError(
                f"timestep {self.timestep_fs:g} fs: at most {MAX_TIMESTEP_FS:g} fs (Au's "
                "fastest vibration takes ~220 fs; 5 fs is the usual step)"
            )
        if isinstance(self.seed, bool) or int(self.seed) != self.seed or self.seed < 0:
            raise ParameterError(f"seed = {self.seed!r}: must be an integer ≥ 0 (a NumPy seed)")
        if (self.n_steps is None) == (self.duration_ps is None):
            raise ParameterError("give exactly one of n_steps or duration_ps")
        if self.n_steps is not None and (int(self.n_steps) != self.n_steps or self.n_steps < 0):
            raise ParameterError(f"n_steps = {self.n_steps!r}: must be an integer ≥ 0")
        if self.duration_ps is not None and not self.duration_ps >= 0:
            raise ParameterError(f"duration {self.duration_ps!r} ps: must be ≥ 0")
        if not (self.friction_per_fs > 0 and math.isfinite(self.friction_per_fs)):
            raise ParameterError(f"friction {self.friction_per_fs!r} 1/fs: must be positive")
        for name in ("sample_interval", "checkpoint_interval"):
            value = getattr(self, name)
            if int(value) != value or value < 1:
                raise ParameterError(f"{name} = {value!r}: must be an integer ≥ 1")
        if self.checkpoint_interval % self.sample_interval:
            raise ParameterError(
                f"checkpoint_interval {self.checkpoint_interval} must be a multiple of "
                f"sample_interval {self.sample_interval}"
            )
        if self.cluster_correction and self.potential is not Potential.EMT:
            raise ParameterError("cluster_correction is for EMT Au only (potential = 'emt')")
        if self.cloud is not None:
            self._adopt_cloud(self.cloud)
        if not self.max_force_eV_per_A > 0:
            raise ParameterError(f"max_force {self.max_force_eV_per_A!r} eV/Å: must be positive")

    def _adopt_cloud(self, cloud: CloudSettings) -> None:
        """The cloud model's Hamiltonian (`aucluster.md.cloud.cloud_hamiltonian`: EMT, the
        small-cluster correction, the embedding solvent at the cloud's μ_s) inside a wall
        (the pocket)."""
        if self.wall is None:
            raise ParameterError("[md.cloud] needs the pocket: give [md.wall] a radius")
        if self.potential is not Potential.EMT:
            raise ParameterError("[md.cloud] is a model of EMT Au (potential = 'emt')")
        if self.timestep_fs > CLOUD_MAX_TIMESTEP_FS:
            raise ParameterError(
                f"[md.cloud] needs a timestep ≤ {CLOUD_MAX_TIMESTEP_FS:g} fs, not "
                f"{self.timestep_fs:g} (measured: NVE drifts 3e-7 eV/atom/ps at 2 fs, "
                "1.2e-5 at 5 fs; docs/cloud.md)"
            )
        expected = cloud_hamiltonian(cloud.mu_eV).solvent
        if self.solvent not in (SolventParameters(), expected):
            raise ParameterError(
                "with [md.cloud] the solvent is the cloud model's (the embedding form at "
                "μ_s = cloud mu_eV): leave [md.solvent] out"
            )
        object.__setattr__(self, "solvent", expected)
        object.__setattr__(self, "cluster_correction", True)

    @property
    def hamiltonian(self) -> Hamiltonian:
        """The potential, solvent and wall the atoms move on."""
        return Hamiltonian(
            potential=self.potential,
            solvent=self.solvent,
            wall=self.wall,
            cluster_correction=self.cluster_correction,
        )

    @property
    def total_steps(self) -> int:
        if self.n_steps is not None:
            return int(self.n_steps)
        assert self.duration_ps is not None
        return round(self.duration_ps * 1000.0 / self.timestep_fs)

    def time_ps(self, step: int) -> float:
        return step * self.timestep_fs / 1000.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (enums as strings); `settings_from_dict` inverts it."""
        data = asdict(self)
        data["ensemble"] = str(self.ensemble)
        data["potential"] = str(self.potential)
        data["program"] = [list(p) for p in self.program.points]
        return data


def _program(value: Any, where: str) -> TemperatureProgram:
    if isinstance(value, TemperatureProgram):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return constant(float(value))
    points = convert(value, tuple[tuple[float, float], ...], "", where)
    return TemperatureProgram(points=points)


def settings_from_dict(data: dict[str, Any], *, table: str = "md") -> MDSettings:
    """MDSettings from a dict of its fields (as in run.json, a TOML config or a scenario's
    ``[md]`` table, named `table` in messages).

    ``program`` is a list of [time_ps, T_K] pairs or a single temperature; ``solvent`` and
    ``wall`` are tables of their parameters. Unknown keys, wrong types and values out of
    range raise `ParameterError` naming the key (`aucluster.config.from_table`).
    """
    return from_table(MDSettings, data, table, hooks={TemperatureProgram: _program})


def load_settings(path: str | Path, **overrides: Any) -> MDSettings:
    """Settings from a TOML file, with `overrides` (field=value) applied on top."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParameterError(f"cannot read settings {str(path)!r}: {exc}") from None
    settings = settings_from_dict(data, table=Path(path).name)
    return replace(settings, **overrides) if overrides else settings
