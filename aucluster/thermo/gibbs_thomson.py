r"""Gibbs–Thomson measured: the cloud a particle keeps in a closed pocket, against 2γΩ/(RkT).

A particle in equilibrium with its own vapour holds it at the density of the curved
surface, ρ*(R) = S*(R) ρ_eq, with (classical nucleation theory's capillarity approximation)

.. math::

    \ln S^* = \frac{2 \gamma \Omega}{R\, k T},

γ the surface energy, Ω the atomic volume and R the particle's radius. In a closed pocket
(the cloud model's wall) that equilibrium is stable: a particle that gives off too many atoms
shrinks and raises S*, one that takes too many grows and lowers it. So S* at a size is what
the cloud settles to, from either side: starting from an empty pocket (the particle
dissolves) or, with the same atoms, from a supersaturated one (`growth_start`: atoms taken
off the particle and placed as monomers; it grows back) — the reversibility check.

`measure_pocket_cloud` runs a particle in its pocket with Langevin MD and samples, every
`sample_every_ps`, the particle (the largest connected cluster, bonds within 3.7 Å), its
size and its volume-equivalent radius R = (3NΩ/4π)^{1/3}, and the cloud density in the shell
between `contact_A` beyond the particle's outermost atom and `wall_margin_A` inside the wall
(the gas is uniform there; the region follows the particle's centre of mass, and where the
particle has drifted towards the wall its volume is the wall's ball less the lens it shares
with the particle's).
`predicted_ln_s` gives the right-hand side from the same Hamiltonian. For a faceted particle
R is the volume-equivalent radius and γ the surface energy per area of that sphere,
γ = γ̄_W A_W / (4π R_V²) (`effective_surface_energy`): γ̄_W EMT's (111), (100) and (110)
surface energies weighted by their share of the Wulff shape's area (pymatgen's `WulffShape`;
the faces are untouched by the solvent, whose onset they lie below), A_W / 4πR_V² the
Wulff shape's area over that of the sphere of equal volume — so that 2γΩ/R is dE_s/dN, the
surface energy's growth per atom for a shape kept while it grows. Ω = a³/4 at the
zero-pressure lattice constant at T. Both are 0 K energies: the surface entropy at T is left
out, a known approximation of this check.

The measurement assumes the cloud has become stationary after `discard_ps`. In the runs of
docs/cloud.md (500–600 ps at 550–750 K) it had not, from either side — closed facets stall
both growth and dissolution, kinked surfaces dissolve slowly — so those S values bound S*
rather than measure it; the series are returned to check.
"""

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ase import Atoms, units

from aucluster.errors import ParameterError
from aucluster.md import MDSettings, initial_momenta, make_integrator
from aucluster.md.cloud import equilibrium_density, place_monomers
from aucluster.thermo.solubility import cluster_labels, correlated_interval


@dataclass(frozen=True, kw_only=True)
class PocketCloud:
    """What `measure_pocket_cloud` found over the sampled part of a run."""

    temperature_K: float
    n_total: int
    particle_atoms: float  # mean size of the largest cluster
    radius_A: float  # mean volume-equivalent radius
    cloud_density_per_A3: float
    ci95_per_A3: tuple[float, float]
    correlation_time_ps: float
    equilibrium_density_per_A3: float  # ρ_eq(T) of the flat crystal
    supersaturation: float  # cloud density over ρ_eq(T)
    times_ps: np.ndarray
    particle_series: np.ndarray
    density_series_per_A3: np.ndarray

    @property
    def ln_supersaturation(self) -> float:
        return math.log(self.supersaturation) if self.supersaturation > 0 else -math.inf


def particle_and_cloud(atoms: Atoms) -> np.ndarray:
    """Boolean mask of the particle: the largest connected cluster (bonds within 3.7 Å)."""
    labels = cluster_labels(atoms.positions)
    return labels == np.bincount(labels).argmax()


def atomic_volume_A3(lattice_constant_A: float) -> float:
    """Ω = a³/4 of the fcc crystal [Å³]."""
    return lattice_constant_A**3 / 4.0


def effective_surface_energy(lattice_constant_A: float) -> float:
    """γ [eV/Å²] of the module notes: EMT's Wulff-weighted surface energy times the Wulff
    shape's area over the area of the sphere of equal volume."""
    from pymatgen.analysis.wulff import WulffShape
    from pymatgen.core import Lattice

    from aucluster.structures.wulff import emt_surface_energies

    energies = emt_surface_energies("Au")
    with warnings.catch_warnings():  # spglib (under pymatgen) announces an API change
        warnings.filterwarnings("ignore", "Set OLD_ERROR_HANDLING", DeprecationWarning)
        shape = WulffShape(
            Lattice.cubic(lattice_constant_A), list(energies), list(energies.values())
        )
    sphere_area = 4.0 * math.pi * (3.0 * shape.volume / (4.0 * math.pi)) ** (2.0 / 3.0)
    return float(shape.weighted_surface_energy * shape.surface_area / sphere_area)


def predicted_ln_s(
    n_atoms: float, temperature_K: float, *, gamma_eV_per_A2: float, omega_A3: float
) -> float:
    """2γΩ/(RkT) for a particle of `n_atoms` with R = (3NΩ/4π)^{1/3}."""
    radius = (3.0 * n_atoms * omega_A3 / (4.0 * math.pi)) ** (1.0 / 3.0)
    return 2.0 * gamma_eV_per_A2 * omega_A3 / (radius * units.kB * temperature_K)


def _outside_of(inner: float, offset: float, outer: float) -> float:
    """Volume [Å³] inside a sphere of radius `outer` and outside one of radius `inner` whose
    centre is `offset` away: the outer ball less the lens the two share."""
    ball = 4.0 / 3.0 * math.pi * outer**3
    if offset >= inner + outer:
        return ball
    if offset <= abs(outer - inner):
        shared = 4.0 / 3.0 * math.pi * min(inner, outer) ** 3
    else:  # the lens of two intersecting spheres
        d, r, big = offset, inner, outer
        shared = (
            math.pi
            * (big + r - d) ** 2
            * (d**2 + 2 * d * r - 3 * r**2 + 2 * d * big + 6 * r * big - 3 * big**2)
            / (12 * d)
        )
    return ball - shared


def growth_start(
    particle: Atoms,
    n_move: int,
    *,
    centre: np.ndarray,
    wall_radius_A: float,
    contact_A: float = 4.0,
    seed: int = 0,
) -> Atoms:
    """The reversibility check's other start with the same atoms: the `n_move` atoms of
    `particle` farthest from `centre` taken off and placed as monomers at random in the
    pocket (`aucluster.md.cloud.place_monomers`, between the trimmed particle widened by
    `contact_A` and 1 Å inside the wall)."""
    if not 0 < n_move < len(particle):
        raise ParameterError(f"n_move = {n_move}: must be between 1 and the particle's size")
    order = np.argsort(np.linalg.norm(particle.positions - centre, axis=1))
    trimmed = Atoms(particle)[np.sort(order[: len(particle) - n_move])]  # plain Atoms: an
    # ase.cluster.Cluster (build_wulff's) cannot be indexed when it carries no surfaces
    inner = np.linalg.norm(trimmed.positions - centre, axis=1).max() + contact_A
    return place_monomers(
        trimmed, n_move, centre=centre, inner_A=inner, outer_A=wall_radius_A - 1.0, seed=seed
    )


def measure_pocket_cloud(
    atoms: Atoms,
    settings: MDSettings,
    *,
    omega_A3: float,
    discard_ps: float,
    sample_every_ps: float = 1.0,
    contact_A: float = 5.0,
    wall_margin_A: float = 2.0,
    on_sample: Callable[[int, int], None] | None = None,
) -> PocketCloud:
    """Run `atoms` (particle and any cloud) with `settings` (wall required, Langevin) and
    measure the cloud it keeps (module notes); samples before `discard_ps` are not used."""
    if settings.wall is None:
        raise ParameterError("the pocket needs a wall")
    if not settings.program.is_constant:
        raise ParameterError(
            "the pocket's cloud is measured at one temperature: a constant program"
        )
    if not 0 <= discard_ps < settings.time_ps(settings.total_steps):
        raise ParameterError("discard_ps must be shorter than the run")
    work = atoms.copy()
    work.calc = settings.hamiltonian.calculator(set(work.get_chemical_symbols()))
    initial_momenta(work, settings)
    centre = settings.wall.centre_of(work)
    every = max(1, round(sample_every_ps * 1000.0 / settings.timestep_fs))
    total = settings.total_steps // every
    times, sizes, densities = [], [], []
    for i in range(total):
        step = i * every
        segment = replace(settings, duration_ps=None, n_steps=every)
        make_integrator(work, segment, step).run(every)
        particle = particle_and_cloud(work)
        com = work.positions[particle].mean(axis=0)
        reach = np.linalg.norm(work.positions[particle] - com, axis=1).max() + contact_A
        outer = settings.wall.radius - wall_margin_A
        cloud = ~particle
        from_com = np.linalg.norm(work.positions[cloud] - com, axis=1)
        from_centre = np.linalg.norm(work.positions[cloud] - centre, axis=1)
        inside = (from_com > reach) & (from_centre < outer)
        volume = _outside_of(float(reach), float(np.linalg.norm(com - centre)), float(outer))
        density = np.count_nonzero(inside) / volume if volume > 0 else math.nan
        times.append(settings.time_ps(step + every))
        sizes.append(int(particle.sum()))
        densities.append(density)
        if on_sample is not None:
            on_sample(i + 1, total)
    times_a, sizes_a, dens_a = np.array(times), np.array(sizes), np.array(densities)
    keep = times_a > discard_ps
    keep &= np.isfinite(dens_a)
    if keep.sum() < 8:
        raise ParameterError("fewer than 8 samples after discard_ps: run longer")
    mean, low, high, tau = correlated_interval(dens_a[keep])
    temperature = settings.program.temperature_at(0.0)
    n_mean = float(sizes_a[keep].mean())
    rho_eq = equilibrium_density(temperature)
    return PocketCloud(
        temperature_K=temperature,
        n_total=len(work),
        particle_atoms=n_mean,
        radius_A=(3.0 * n_mean * omega_A3 / (4.0 * math.pi)) ** (1.0 / 3.0),
        cloud_density_per_A3=float(mean),
        ci95_per_A3=(max(float(low), 0.0), float(high)),
        correlation_time_ps=float(tau * sample_every_ps),
        equilibrium_density_per_A3=rho_eq,
        supersaturation=float(mean / rho_eq),
        times_ps=times_a,
        particle_series=sizes_a,
        density_series_per_A3=dens_a,
    )


__all__ = [
    "PocketCloud",
    "atomic_volume_A3",
    "effective_surface_energy",
    "growth_start",
    "measure_pocket_cloud",
    "particle_and_cloud",
    "predicted_ln_s",
]
