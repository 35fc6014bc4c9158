"""The model's solubility measured by MD: a (111) slab in contact with its own vapour.

A periodic (111) slab of the potential's zero-pressure crystal at T (in-plane lattice
constant from `zero_pressure_lattice_constant`; `stepped`: its outer layers half removed,
two kinked ⟨112⟩ steps per side) sits in a fully periodic orthorhombic cell with vacuum above and
below, on the Hamiltonian of an MD run (EMT, small-cluster correction, implicit solvent; the
solvent and correction take minimum images, `aucluster.potentials.terms`). Langevin MD lets
atoms leave the surfaces and come back; once the vapour has filled, its *monomer-equivalent*
density (every atom in the vapour counts once, whatever species it is in) is

.. math::

    \\rho_{eq} = \\langle N_{vap} \\rangle / V_{vap},

with N_vap the atoms farther than `contact_A` from both surface planes of the slab as it is at
that moment (`slab_surfaces`: adatoms and atoms leaving are not vapour yet) and
V_vap = A (L_z − t − 2 d_c) that region's volume. The error bar is a 95 % interval that
accounts for the count's autocorrelation (`correlated_interval`): the vapour exchanges atoms
with the surfaces slowly, and its correlation time (~100 ps) is reported with each value.
It assumes a stationary count: the Langevin gas is diffusive, and a vapour that is still
filling or draining (on a nanosecond over 80 Å of vacuum; docs/cloud.md) has too narrow an
interval — `initial_vapour` starts the run from above, and `counts` holds the series.
Species are the connected clusters (bond cutoff 3.7 Å, minimum images) of vapour atoms.

For the cloud model this is the check of `aucluster.thermo.vapour`, which gives ρ_eq from
equal chemical potentials of crystal and monomer gas without simulating the vapour.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from ase.build import fcc111
from scipy import stats
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from aucluster.errors import ParameterError
from aucluster.md import MDSettings, constant, initial_momenta, make_integrator
from aucluster.md.cloud import cloud_hamiltonian
from aucluster.potentials import Hamiltonian
from aucluster.potentials.terms import wrap_into
from aucluster.structures.geometry import place_apart
from aucluster.thermo.melting import zero_pressure_lattice_constant

#: Bond cutoff [Å] for the vapour's species (the package's cluster cutoff).
SPECIES_CUTOFF_A = 3.7


@dataclass(frozen=True, kw_only=True)
class SlabSettings:
    """The slab–vapour run. Lengths in Å, times in ps, temperature in K."""

    temperature_K: float
    hamiltonian: Hamiltonian = field(default_factory=cloud_hamiltonian)
    lateral_cells: tuple[int, int] = (6, 6)
    layers: int = 6
    stepped: bool = False
    vacuum_A: float = 40.0
    initial_vapour: int = 0
    contact_A: float = 4.0
    equilibration_ps: float = 40.0
    production_ps: float = 160.0
    timestep_fs: float = 2.0
    friction_per_fs: float = 0.002
    sample_every_ps: float = 0.5
    seed: int = 0

    def __post_init__(self) -> None:
        if not (self.temperature_K > 0 and math.isfinite(self.temperature_K)):
            raise ParameterError(f"temperature {self.temperature_K!r} K: must be positive")
        if self.hamiltonian.wall is not None:
            raise ParameterError("the slab–vapour run has no wall (the cell is periodic)")
        if self.layers < 4 or min(self.lateral_cells) < 6 or self.lateral_cells[1] % 2:
            raise ParameterError(
                "the slab needs ≥ 4 layers and ≥ 6 × 6 cells (an even second count: "
                "the orthogonal (111) cell)"
            )
        if not self.vacuum_A > 2 * self.contact_A + 10.0:
            raise ParameterError(
                f"vacuum {self.vacuum_A} Å: must exceed 2 × contact + 10 Å to hold vapour"
            )

    def md(self, duration_ps: float) -> MDSettings:
        h = self.hamiltonian
        return MDSettings(
            program=constant(self.temperature_K),
            timestep_fs=self.timestep_fs,
            duration_ps=duration_ps,
            friction_per_fs=self.friction_per_fs,
            seed=self.seed,
            potential=h.potential,
            solvent=h.solvent,
            cluster_correction=h.cluster_correction,
        )


@dataclass(frozen=True, kw_only=True)
class Solubility:
    """ρ_eq at one temperature, with what it rests on."""

    temperature_K: float
    mu_eV: float
    density_per_A3: float
    ci95_per_A3: tuple[float, float]
    mean_vapour_atoms: float
    vapour_volume_A3: float
    n_frames: int
    correlation_time_ps: float
    species: dict[int, float]  # cluster size → mean number of such clusters in the vapour
    lattice_constant_A: float
    n_slab_atoms: int
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0))  # vapour atoms per sample

    @property
    def density_per_nm3(self) -> float:
        return 1000.0 * self.density_per_A3


def build_slab(settings: SlabSettings, lattice_constant_A: float):
    """The periodic (111) slab of `settings`, centred in z, and its two surface heights [Å].

    `stepped`: the outermost layer on each side is half removed (the atoms of the first
    half of the cell along x, the close-packed direction), leaving a stripe bounded by two
    steps along y, a ⟨112⟩ direction and so kinked by its orientation: kinks are the
    half-crystal sites at which an atom leaves or joins the crystal at the bulk chemical
    potential. A flat terrace has none: an atom that evaporates from it leaves a surface
    vacancy behind, and its vapour is not the bulk's."""
    nx, ny = settings.lateral_cells
    slab = fcc111(
        "Au",
        size=(nx, ny, settings.layers),
        a=lattice_constant_A,
        vacuum=0.5 * settings.vacuum_A,
        orthogonal=True,
        periodic=True,
    )
    slab.pbc = True
    if settings.stepped:
        z = slab.positions[:, 2]
        x = slab.get_scaled_positions()[:, 0]
        outer = (z > z.max() - 0.5) | (z < z.min() + 0.5)
        del slab[np.flatnonzero(outer & (x < 0.5 - 1e-6))]
    z = slab.positions[:, 2]
    return slab, (float(z.min()), float(z.max()))


def vapour_mask(
    positions: np.ndarray, surfaces: tuple[float, float], cell_z: float, contact_A: float
) -> np.ndarray:
    """Atoms farther than `contact_A` beyond both surface planes (z taken as the nearest
    periodic image about the slab's middle)."""
    low, high = surfaces
    dz = positions[:, 2] - 0.5 * (low + high)
    dz -= cell_z * np.round(dz / cell_z)
    return np.abs(dz) > 0.5 * (high - low) + contact_A


def slab_surfaces(positions: np.ndarray, box: np.ndarray) -> tuple[float, float]:
    """The z of the lowest and highest atom of the slab as it is now: the largest connected
    cluster (bond cutoff `SPECIES_CUTOFF_A`, minimum images). Langevin dynamics does not hold
    the slab in place — its centre of mass diffuses ~4 Å in z over a nanosecond for 180
    atoms — so planes fixed at the start would count surface atoms as vapour."""
    labels = cluster_labels(positions, box)
    slab = labels == np.bincount(labels).argmax()
    z = positions[slab, 2]
    angle = 2.0 * np.pi * z / box[2]
    centre = box[2] * np.arctan2(np.sin(angle).mean(), np.cos(angle).mean()) / (2.0 * np.pi)
    dz = z - centre
    dz -= box[2] * np.round(dz / box[2])
    return float(centre + dz.min()), float(centre + dz.max())


def cluster_labels(positions: np.ndarray, box: np.ndarray | None = None) -> np.ndarray:
    """Connected-cluster label of each atom (bond cutoff `SPECIES_CUTOFF_A`; minimum images
    in a periodic orthorhombic `box`)."""
    tree = cKDTree(positions) if box is None else cKDTree(wrap_into(positions, box), boxsize=box)
    pairs = tree.query_pairs(SPECIES_CUTOFF_A, output_type="ndarray")
    n = len(positions)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def species_sizes(positions: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Sizes of the connected clusters (bond cutoff `SPECIES_CUTOFF_A`, minimum images)."""
    if len(positions) == 0:
        return np.empty(0, dtype=int)
    return np.bincount(cluster_labels(positions, box))


def correlated_interval(
    values: np.ndarray, window: float = 5.0
) -> tuple[float, float, float, float]:
    """Mean of a correlated series, its 95 % interval and the integrated autocorrelation time
    τ [samples] (Sokal's automatic window: the first M with M ≥ `window` τ(M)). The variance
    of the mean is σ² τ / N, and the interval uses Student's t with N/τ − 1 degrees of
    freedom, so a series that decorrelates slowly gets the wide interval it deserves."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n < 4:
        raise ParameterError(f"{n} samples: need ≥ 4 for an interval")
    centre = float(values.mean())
    x = values - centre
    variance = float(x @ x) / n
    if variance == 0.0:
        return centre, centre, centre, 1.0
    spectrum = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(spectrum * np.conj(spectrum))[:n] / (variance * n)
    tau = 1.0
    for m in range(1, n):
        tau = 1.0 + 2.0 * float(acf[1 : m + 1].sum())
        if m >= window * tau:
            break
    tau = max(tau, 1.0)
    n_eff = n / tau
    half = float(stats.t.ppf(0.975, max(n_eff - 1.0, 1.0)) * math.sqrt(variance * tau / (n - 1)))
    return centre, centre - half, centre + half, tau


def measure_solubility(
    settings: SlabSettings,
    *,
    lattice_constant_A: float | None = None,
    on_sample: Callable[[int, int], None] | None = None,
) -> Solubility:
    """Run the slab of `settings` in contact with its vapour and measure ρ_eq (module notes).
    `lattice_constant_A` defaults to the zero-pressure value at T; `on_sample(i, total)`
    is called after each production sample (a progress bar)."""
    a = (
        zero_pressure_lattice_constant(settings.temperature_K, seed=settings.seed)
        if lattice_constant_A is None
        else lattice_constant_A
    )
    slab, surfaces = build_slab(settings, a)
    box = np.diag(slab.cell.array).copy()
    if settings.initial_vapour:
        slab = _with_vapour(slab, surfaces, settings)
    md = settings.md(settings.equilibration_ps)
    slab.calc = settings.hamiltonian.calculator({"Au"})
    initial_momenta(slab, md)
    make_integrator(slab, md).run(md.total_steps)
    every = max(1, round(settings.sample_every_ps * 1000.0 / settings.timestep_fs))
    total = max(4, round(settings.production_ps / settings.sample_every_ps))
    start = md.total_steps
    counts = np.zeros(total)
    species: dict[int, int] = {}
    for i in range(total):
        step = start + i * every
        make_integrator(slab, replace(md, duration_ps=None, n_steps=every), step).run(every)
        now = slab_surfaces(slab.positions, box)
        inside = vapour_mask(slab.positions, now, box[2], settings.contact_A)
        counts[i] = inside.sum()
        for size in species_sizes(slab.positions[inside], box):
            species[int(size)] = species.get(int(size), 0) + 1
        if on_sample is not None:
            on_sample(i + 1, total)
    area = box[0] * box[1]
    volume = area * (box[2] - (surfaces[1] - surfaces[0]) - 2.0 * settings.contact_A)
    mean, low, high, tau = correlated_interval(counts)
    return Solubility(
        temperature_K=settings.temperature_K,
        mu_eV=settings.hamiltonian.solvent.mu_eV,
        density_per_A3=mean / volume,
        ci95_per_A3=(max(low, 0.0) / volume, high / volume),
        mean_vapour_atoms=mean,
        vapour_volume_A3=float(volume),
        n_frames=total,
        correlation_time_ps=tau * settings.sample_every_ps,
        species={k: v / total for k, v in sorted(species.items())},
        lattice_constant_A=float(a),
        n_slab_atoms=len(slab) - settings.initial_vapour,
        counts=counts,
    )


def _with_vapour(slab, surfaces: tuple[float, float], settings: SlabSettings):
    """`slab` with `initial_vapour` monomers at random in its vapour region (seeded, each
    ≥ 4 Å from every other atom): the slab's run then approaches ρ_eq from above."""
    from ase import Atoms

    rng = np.random.default_rng(np.random.SeedSequence([settings.seed, 0x5AB]))
    box = np.diag(slab.cell.array)
    low, high = surfaces
    gap = box[2] - (high - low) - 2 * settings.contact_A

    def draw() -> np.ndarray:
        z = high + settings.contact_A + rng.random() * gap
        return np.array([rng.random() * box[0], rng.random() * box[1], z])

    added = place_apart(
        slab.positions,
        settings.initial_vapour,
        draw,
        min_separation_A=4.0,
        box=box,
        failure=f"cannot place {settings.initial_vapour} monomers in the vacuum",
    )
    return slab + Atoms(f"Au{len(added)}", positions=added, cell=slab.cell, pbc=True)


__all__ = [
    "SPECIES_CUTOFF_A",
    "SlabSettings",
    "Solubility",
    "build_slab",
    "cluster_labels",
    "correlated_interval",
    "measure_solubility",
    "slab_surfaces",
    "species_sizes",
    "vapour_mask",
]
