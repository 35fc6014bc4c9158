"""The cluster-cloud of a run: a closed pocket seeded at supersaturation S.

The cloud model is EMT with the small-cluster correction and the implicit solvent at
μ_s = `CloudSettings.mu_eV` (`aucluster.potentials`), inside the run's spherical wall — the
pocket. The model's solubility ρ_eq(T) — the monomer-equivalent density of atoms in
equilibrium with a flat crystal — is measured by `aucluster.thermo.solubility` (a (111) slab
in contact with its vapour, `bench/solubility_slab.py`) and stored in
``data/solubility_emt.csv`` with how it was obtained; between the measured temperatures it is
interpolated as ln ρ_eq linear in 1/T (van 't Hoff). The stored values come from 2 fs runs and
are not converged in the time step (1 fs gives a quarter at 600 K): upper bounds of ρ_eq, so
a seeded S is a lower bound of the true one (docs/cloud.md).

S enters as the *initial* state of a closed pocket: a run with ``cloud`` starts with
round(S ρ_eq(T₀) V) monomers placed at random in the pocket's free volume V (between the
particle, widened by `contact_A`, and the wall), T₀ the program's starting temperature, each
at least `MIN_SEPARATION_A` from every other atom. The pocket is closed afterwards, as the
graphene liquid cell is: the cloud then relaxes towards the particle's own Gibbs–Thomson
density, and S at any time is the cloud density over ρ_eq(T) (the analysis counts cloud
atoms). Why closed and not grand-canonical: the number of atoms and their ids stay fixed,
so every trajectory tool (ASE, OVITO, the tracking of issue 10) follows each atom; the
experiment's pocket exchanges no gold with the outside on the time scale of a run.
"""

import csv
import io
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError

#: The μ_s of the cloud model [eV]: Δ₁ = 0.60 eV, the dimer and the monomer the cheapest
#: species (docs/cloud.md); the solubility table is measured at it.
DEFAULT_CLOUD_MU_EV = 3.2
#: The closest a seeded monomer comes to any other atom [Å]: beyond the 3.7 Å switch of the
#: coordination, so every seeded atom is a monomer.
MIN_SEPARATION_A = 4.0
#: The largest volume fraction of MIN_SEPARATION_A spheres seeded at random (random
#: sequential addition jams near 0.38; this stays well below, so placement is quick).
PACKING_LIMIT = 0.2
#: How far beyond the measured temperatures ρ_eq(T) is extrapolated [K].
EXTRAPOLATION_K = 100.0


@dataclass(frozen=True, kw_only=True)
class CloudSettings:
    """The ``[md.cloud]`` table: supersaturation S (> 0; 1 = the flat crystal's equilibrium
    density), the solvent μ_s [eV] of the model (an expert parameter: a solubility table
    must exist for it), and the contact distance [Å] that widens the particle when the
    pocket's free volume is computed."""

    supersaturation: float
    mu_eV: float = DEFAULT_CLOUD_MU_EV
    contact_A: float = 4.0

    def __post_init__(self) -> None:
        s = self.supersaturation
        if isinstance(s, bool) or not (isinstance(s, int | float) and math.isfinite(s) and s > 0):
            raise ParameterError(f"supersaturation {s!r}: must be a finite number > 0")
        if not (math.isfinite(self.mu_eV) and self.mu_eV > 0):
            raise ParameterError(f"cloud mu_eV {self.mu_eV!r}: must be a finite number > 0")
        if not (math.isfinite(self.contact_A) and self.contact_A > 0):
            raise ParameterError(f"cloud contact_A {self.contact_A!r} Å: must be positive")


#: The timestep [fs] of the solubility rows ρ_eq(T) is interpolated from (the table also holds
#: a 1 fs row at 600 K, the time-step check: docs/cloud.md).
TABLE_TIMESTEP_FS = 2.0


@dataclass(frozen=True, kw_only=True)
class SolubilityPoint:
    temperature_K: float
    mu_eV: float
    timestep_fs: float
    density_per_A3: float
    ci95_per_A3: tuple[float, float]


@cache
def solubility_table() -> tuple[SolubilityPoint, ...]:
    """The measured ρ_eq(T) rows of ``data/solubility_emt.csv``."""
    text = files("aucluster.md").joinpath("data/solubility_emt.csv").read_text()
    rows = [line for line in text.splitlines() if not line.startswith("#")]
    points = []
    for row in csv.DictReader(io.StringIO("\n".join(rows))):
        points.append(
            SolubilityPoint(
                temperature_K=float(row["temperature_K"]),
                mu_eV=float(row["mu_eV"]),
                timestep_fs=float(row["timestep_fs"]),
                density_per_A3=float(row["density_per_nm3"]) / 1000.0,
                ci95_per_A3=(
                    float(row["ci_low_per_nm3"]) / 1000,
                    float(row["ci_high_per_nm3"]) / 1000,
                ),
            )
        )
    return tuple(points)


def equilibrium_density(temperature_K: float, mu_eV: float = DEFAULT_CLOUD_MU_EV) -> float:
    """ρ_eq [1/Å³] at `temperature_K` from the table's rows at `mu_eV` (and the
    `TABLE_TIMESTEP_FS` step): ln ρ linear in 1/T, least squares over the measured
    temperatures; refused more than `EXTRAPOLATION_K` outside them or at a μ_s the table does
    not hold.

    Not converged in the time step: at 600 K a 1 fs run gives a quarter of the 2 fs value
    (docs/cloud.md), so these densities are upper bounds, and S computed from them a lower
    bound of the true supersaturation."""
    rows = [
        p
        for p in solubility_table()
        if abs(p.mu_eV - mu_eV) < 1e-9 and p.timestep_fs == TABLE_TIMESTEP_FS
    ]
    if len(rows) < 2:
        measured = sorted({p.mu_eV for p in solubility_table()})
        raise ParameterError(
            f"no solubility table at μ_s = {mu_eV:g} eV (measured at {measured} eV; "
            "measure one with bench/solubility_slab.py)"
        )
    temps = np.array([p.temperature_K for p in rows])
    if not (temps.min() - EXTRAPOLATION_K <= temperature_K <= temps.max() + EXTRAPOLATION_K):
        raise ParameterError(
            f"{temperature_K:g} K is outside the solubility table ({temps.min():g}–"
            f"{temps.max():g} K, extrapolated by at most {EXTRAPOLATION_K:g} K)"
        )
    slope, intercept = np.polyfit(1.0 / temps, np.log([p.density_per_A3 for p in rows]), 1)
    return float(np.exp(intercept + slope / temperature_K))


def seed_cloud(
    atoms: Atoms,
    cloud: CloudSettings,
    *,
    temperature_K: float,
    centre: np.ndarray,
    wall_radius_A: float,
    seed: int,
) -> tuple[Atoms, dict]:
    """`atoms` with the cloud of S ρ_eq(T) V monomers added (module notes), and a record of
    what was placed (for run.json)."""
    rho = equilibrium_density(temperature_K, cloud.mu_eV)
    distance = np.linalg.norm(atoms.positions - centre, axis=1)
    inner = float(distance.max()) + cloud.contact_A
    outer = wall_radius_A - 1.0  # inside the soft wall
    if inner >= outer:
        raise ParameterError(
            f"the pocket (wall radius {wall_radius_A:g} Å) is smaller than the particle "
            f"({distance.max():.1f} Å from the centre) plus {cloud.contact_A:g} Å contact and "
            "1 Å: enlarge the wall"
        )
    volume = 4.0 / 3.0 * math.pi * (outer**3 - inner**3)
    n_add = round(cloud.supersaturation * rho * volume)
    sphere = 4.0 / 3.0 * math.pi * (0.5 * MIN_SEPARATION_A) ** 3
    if n_add * sphere > PACKING_LIMIT * volume:
        raise ParameterError(
            f"S = {cloud.supersaturation:g} asks for {n_add} monomers {MIN_SEPARATION_A:g} Å "
            f"apart in {volume:.0f} Å³: too dense to place at random (at most "
            f"{int(PACKING_LIMIT * volume / sphere)})"
        )
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xC10D]))
    placed = list(atoms.positions)
    added: list[np.ndarray] = []
    attempts = 0
    while len(added) < n_add:
        attempts += 1
        if attempts > 200 * max(n_add, 1):
            raise ParameterError(
                f"cannot place {n_add} monomers {MIN_SEPARATION_A:g} Å apart in the pocket "
                f"(S = {cloud.supersaturation:g} is too dense for {volume:.0f} Å³)"
            )
        u = rng.normal(size=3)
        r = (inner**3 + rng.random() * (outer**3 - inner**3)) ** (1.0 / 3.0)
        p = centre + r * u / np.linalg.norm(u)
        if np.min(np.linalg.norm(np.asarray(placed) - p, axis=1)) >= MIN_SEPARATION_A:
            placed.append(p)
            added.append(p)
    seeded = atoms.copy()
    if added:
        seeded += Atoms(f"Au{len(added)}", positions=added)
    record = {
        "supersaturation": cloud.supersaturation,
        "mu_eV": cloud.mu_eV,
        "temperature_K": temperature_K,
        "equilibrium_density_per_nm3": 1000.0 * rho,
        "equilibrium_density_timestep_fs": TABLE_TIMESTEP_FS,  # not converged: an upper bound
        "free_volume_A3": volume,
        "pocket_inner_A": inner,
        "pocket_outer_A": outer,
        "monomers_added": len(added),
    }
    return seeded, record


__all__ = [
    "DEFAULT_CLOUD_MU_EV",
    "CloudSettings",
    "SolubilityPoint",
    "equilibrium_density",
    "seed_cloud",
    "solubility_table",
]
