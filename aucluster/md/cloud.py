"""The cluster-cloud of a run: a closed pocket seeded at supersaturation S.

The cloud model is EMT with the small-cluster correction and the implicit solvent in its
embedding form at μ_s = `CloudSettings.mu_eV` (`cloud_hamiltonian`), inside the run's
spherical wall — the pocket. In it pairs of monomers repel and clusters of 2–7 atoms fall
apart, so the vapour in equilibrium with the crystal is an ideal gas of single atoms, and the
model's solubility ρ_eq(T) — the density in equilibrium with a flat crystal — follows from
equal chemical potentials (`aucluster.thermo.vapour`: the crystal's harmonic phonons and its
anharmonic enthalpy, stored in ``aucluster/thermo/data/crystal_emt.json``):
ρ_eq = Λ⁻³ exp[(g(T) − E₁)/kT]. Slab–vapour MD (`aucluster.thermo.solubility`) is the check
that the dynamics reaches it (docs/cloud.md).

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

import math
from dataclasses import dataclass

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.potentials import Hamiltonian, SolventParameters
from aucluster.structures.geometry import place_apart

#: The μ_s of the cloud model [eV]: a monomer costs Δ₁ = 3.80 − μ_s = 0.60 eV over the
#: crystal at 0 K (docs/cloud.md).
DEFAULT_CLOUD_MU_EV = 3.2
#: The closest a seeded monomer comes to any other atom [Å] (seeded monomers are apart:
#: in the cloud model monomers repel within ~3.5 Å).
MIN_SEPARATION_A = 4.0
#: The largest volume fraction of MIN_SEPARATION_A spheres seeded at random (random
#: sequential addition jams near 0.38; this stays well below, so placement is quick).
PACKING_LIMIT = 0.2


@dataclass(frozen=True, kw_only=True)
class CloudSettings:
    """The ``[md.cloud]`` table: supersaturation S (> 0; 1 = the flat crystal's equilibrium
    density), the temperature [K] S refers to (`reference_temperature_K`: S ρ_eq(T) V monomers
    are seeded; default the program's first temperature — a program that starts cold, where
    ρ_eq is tiny, names its working temperature here), the solvent μ_s [eV] of the model (an
    expert parameter: it sets Δ₁ and so ρ_eq), and the contact distance [Å] that widens the
    particle when the pocket's free volume is computed."""

    supersaturation: float
    reference_temperature_K: float | None = None
    mu_eV: float = DEFAULT_CLOUD_MU_EV
    contact_A: float = 4.0

    def __post_init__(self) -> None:
        s = self.supersaturation
        if isinstance(s, bool) or not (isinstance(s, int | float) and math.isfinite(s) and s > 0):
            raise ParameterError(f"supersaturation {s!r}: must be a finite number > 0")
        t = self.reference_temperature_K
        if t is not None and (
            isinstance(t, bool) or not (isinstance(t, int | float) and math.isfinite(t) and t > 0)
        ):
            raise ParameterError(f"cloud reference_temperature_K {t!r}: must be a number > 0 K")
        if not (math.isfinite(self.mu_eV) and self.mu_eV > 0):
            raise ParameterError(f"cloud mu_eV {self.mu_eV!r}: must be a finite number > 0")
        if not (math.isfinite(self.contact_A) and self.contact_A > 0):
            raise ParameterError(f"cloud contact_A {self.contact_A!r} Å: must be positive")


def cloud_hamiltonian(mu_eV: float = DEFAULT_CLOUD_MU_EV) -> Hamiltonian:
    """The cloud model's Hamiltonian without the wall: EMT, the small-cluster correction and
    the embedding solvent at `mu_eV`."""
    return Hamiltonian(
        solvent=SolventParameters(mu_eV=mu_eV, form="embedding"), cluster_correction=True
    )


def equilibrium_density(temperature_K: float, mu_eV: float = DEFAULT_CLOUD_MU_EV) -> float:
    """ρ_eq [1/Å³] of the cloud model at `temperature_K` and `mu_eV`: the monomer gas in
    equilibrium with the crystal (module notes), for temperatures up to the highest of the
    stored anharmonic fit (800 K, 0.85 T_m(bulk)); refused above it."""
    from aucluster.thermo.vapour import monomer_gas_density, stored_crystal

    harmonic, anharmonic = stored_crystal()
    top = max(anharmonic.temperatures_K)
    if not (math.isfinite(temperature_K) and 0.0 < temperature_K <= top):
        raise ParameterError(
            f"{temperature_K:g} K: the cloud's equilibrium density is known from 0 to {top:g} K"
            " (the crystal's anharmonic fit, aucluster/thermo/data/crystal_emt.json)"
        )
    return monomer_gas_density(temperature_K, cloud_hamiltonian(mu_eV), harmonic, anharmonic)


def place_monomers(
    atoms: Atoms, n_add: int, *, centre: np.ndarray, inner_A: float, outer_A: float, seed: int
) -> Atoms:
    """`atoms` with `n_add` Au atoms placed at random (uniform in volume, seeded) between
    `inner_A` and `outer_A` from `centre`, each at least `MIN_SEPARATION_A` from every other
    atom; refused if that fails 200 times per atom (too dense)."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xC10D]))

    def draw() -> np.ndarray:
        u = rng.normal(size=3)
        r = (inner_A**3 + rng.random() * (outer_A**3 - inner_A**3)) ** (1.0 / 3.0)
        return centre + r * u / np.linalg.norm(u)

    volume = 4.0 / 3.0 * math.pi * (outer_A**3 - inner_A**3)
    added = place_apart(
        atoms.positions,
        n_add,
        draw,
        min_separation_A=MIN_SEPARATION_A,
        attempts_per_atom=200,
        failure=f"cannot place {n_add} monomers {MIN_SEPARATION_A:g} Å apart in the pocket "
        f"(too dense for {volume:.0f} Å³)",
    )
    seeded = atoms.copy()
    if len(added):
        seeded += Atoms(f"Au{len(added)}", positions=added)
    return seeded


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
    expected = cloud.supersaturation * rho * volume
    n_add = round(expected)
    if n_add == 0:
        raise ParameterError(
            f"S = {cloud.supersaturation:g} at {temperature_K:g} K asks for S ρ_eq V = "
            f"{expected:.2g} monomers (ρ_eq = {1000 * rho:.2g} nm⁻³, V = {volume:.0f} Å³): "
            "none to seed; raise S, the temperature or the pocket"
        )
    sphere = 4.0 / 3.0 * math.pi * (0.5 * MIN_SEPARATION_A) ** 3
    if n_add * sphere > PACKING_LIMIT * volume:
        raise ParameterError(
            f"S = {cloud.supersaturation:g} asks for {n_add} monomers {MIN_SEPARATION_A:g} Å "
            f"apart in {volume:.0f} Å³: too dense to place at random (at most "
            f"{int(PACKING_LIMIT * volume / sphere)})"
        )
    seeded = place_monomers(atoms, n_add, centre=centre, inner_A=inner, outer_A=outer, seed=seed)
    record = {
        "supersaturation": cloud.supersaturation,
        "mu_eV": cloud.mu_eV,
        "temperature_K": temperature_K,
        "equilibrium_density_per_nm3": 1000.0 * rho,
        "equilibrium_density_from": "monomer gas against the crystal (aucluster.thermo.vapour)",
        "free_volume_A3": volume,
        "pocket_inner_A": inner,
        "pocket_outer_A": outer,
        "monomers_added": len(seeded) - len(atoms),
    }
    return seeded, record


__all__ = [
    "DEFAULT_CLOUD_MU_EV",
    "CloudSettings",
    "cloud_hamiltonian",
    "equilibrium_density",
    "place_monomers",
    "seed_cloud",
]
