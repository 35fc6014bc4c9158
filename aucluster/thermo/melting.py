"""Thermodynamics of a potential: caloric curves and cluster melting, the size dependence of
the melting point, and the bulk melting point by solid–liquid coexistence.

EMT Au melts well below real Au (1,337 K), so cluster melting points are compared as
T/T_m of the *same* potential, with T_m from `bulk_coexistence`.

- Caloric curve: heat a cluster in temperature steps (Langevin, equilibrate then sample at
  each step, the state carried from step to step; the md engine's integrator, momenta and
  seeding, `aucluster.md.make_integrator`, driven by an `MDSettings`) and record the mean
  potential energy per atom and the Lindemann index of each step.
- Melting point of a cluster: the midpoint of a smoothed step (logistic on a linear
  baseline) fitted to E(T), ± its standard error and half a temperature step; the same fit
  to the Lindemann index is reported beside it. (Over a 10 ps window the Lindemann index of
  a liquid 300–900-atom cluster stays below the textbook 0.1, so a fixed threshold fails.)
- Size dependence (Pawlow / Gibbs–Thomson): T_m(N) = T_bulk (1 − c N^(−1/3)), fitted by
  least squares, so T_bulk from clusters alone can be set against the coexistence value.
- Bulk: a periodic crystal slab (x, y at the crystal's zero-pressure lattice constant at that
  temperature) between two liquid layers with free surfaces along z (so the liquid is at zero
  pressure), run microcanonically: latent heat drives the temperature to the melting point as
  the interfaces move (Morris et al., Phys. Rev. B 49, 3109 (1994)). T_m is the mean
  temperature of the second half, its uncertainty the spread of block means; the run counts
  only if both phases survive.
"""

from dataclasses import dataclass, replace

import numpy as np
from ase import Atoms, units
from ase.build import bulk

from aucluster.analysis.cna import adaptive_cna
from aucluster.analysis.events import lindemann_index
from aucluster.errors import ParameterError
from aucluster.md.programs import constant
from aucluster.md.runner import (
    degrees_of_freedom,
    initial_momenta,
    kinetic_temperature,
    make_integrator,
)
from aucluster.md.settings import Ensemble, MDSettings
from aucluster.potentials import Potential, make_potential
from aucluster.stability.bulk import bulk_reference
from aucluster.thermo.vapour import Anharmonic, Harmonic

#: The integrator settings of these runs unless given: MDSettings' own defaults (EMT, 5 fs,
#: Langevin friction 0.01 fs⁻¹); program, length and seed are set per segment.
DEFAULT_MD = MDSettings(n_steps=0)


@dataclass(frozen=True, kw_only=True)
class CaloricCurve:
    """One heating run: arrays over the temperature steps."""

    n_atoms: int
    temperature_K: np.ndarray
    energy_per_atom_eV: np.ndarray  # mean potential energy per atom in the sampling window
    energy_std_eV: np.ndarray
    lindemann: np.ndarray


@dataclass(frozen=True, kw_only=True)
class MeltingPoint:
    temperature_K: float
    uncertainty_K: float
    lindemann_K: float  # midpoint of the step fitted to the Lindemann index


def _segment(md: MDSettings, temperature_K: float, seed: int, **length) -> MDSettings:
    """`md` at a constant `temperature_K` for `length` (n_steps= or duration_ps=)."""
    return replace(
        md,
        program=constant(temperature_K),
        seed=seed,
        **{"n_steps": None, "duration_ps": None, **length},
    )


def _langevin(atoms: Atoms, md: MDSettings, temperature_K: float, seed: int, **length) -> None:
    """Run `atoms` (calculator attached) at `temperature_K` for `length`."""
    settings = replace(_segment(md, temperature_K, seed, **length), ensemble=Ensemble.LANGEVIN)
    make_integrator(atoms, settings).run(settings.total_steps)


def caloric_curve(
    atoms: Atoms,
    temperatures_K,
    *,
    md: MDSettings = DEFAULT_MD,
    equilibrate_ps: float = 10.0,
    sample_ps: float = 10.0,
    sample_interval: int = 20,
    seed: int = 0,
    progress=None,
) -> CaloricCurve:
    """Heat a copy of `atoms` through `temperatures_K` (increasing); see the module notes.

    `md` gives the potential, timestep and friction; temperature step k runs with the noise
    seed of segment k of `seed` (`aucluster.md.runner.segment_seed`)."""
    temps = np.asarray(temperatures_K, dtype=float)
    if temps.ndim != 1 or len(temps) < 3 or np.any(np.diff(temps) <= 0) or temps[0] <= 0:
        raise ParameterError("temperatures: give ≥ 3 increasing positive values [K]")
    if equilibrate_ps < 0 or sample_ps <= 0:
        raise ParameterError("equilibrate_ps must be ≥ 0 and sample_ps > 0")
    work = atoms.copy()
    work.calc = make_potential(md.potential, set(work.get_chemical_symbols()))
    n_eq = _segment(md, temps[0], seed, duration_ps=equilibrate_ps).total_steps
    n_sample = _segment(md, temps[0], seed, duration_ps=sample_ps).total_steps
    n_blocks = max(n_sample // sample_interval, 2)
    work.set_momenta(np.zeros((len(work), 3)))  # drawn afresh at the first temperature
    initial_momenta(work, _segment(md, temps[0], seed, n_steps=0))
    energy, spread, lind = [], [], []
    for k, temperature in enumerate(temps):
        step = replace(_segment(md, temperature, seed, n_steps=0), ensemble=Ensemble.LANGEVIN)
        dyn = make_integrator(work, step, k)
        dyn.run(n_eq)
        e, frames = [], []
        for _ in range(n_blocks):
            dyn.run(sample_interval)
            e.append(work.get_potential_energy() / len(work))
            frames.append(work.positions.copy())
        energy.append(np.mean(e))
        spread.append(np.std(e))
        lind.append(lindemann_index(np.asarray(frames)))
        if progress is not None:
            progress(k + 1, len(temps))
    return CaloricCurve(
        n_atoms=len(work),
        temperature_K=temps,
        energy_per_atom_eV=np.asarray(energy),
        energy_std_eV=np.asarray(spread),
        lindemann=np.asarray(lind),
    )


def _sigmoid_step(t, a, b, jump, tm, width):
    return a + b * t + jump / (1.0 + np.exp(-(t - tm) / width))


def fit_step(temperature_K, values) -> tuple[float, float]:
    """Midpoint [K] and its standard error of a smoothed step on a linear baseline,
    v(T) = a + bT + J/(1 + exp(−(T − T_m)/w)), fitted by least squares; started at the
    steepest rise of the 3-point running mean."""
    from scipy.optimize import curve_fit

    t = np.asarray(temperature_K, dtype=float)
    v = np.asarray(values, dtype=float)
    smooth = np.convolve(v, np.ones(3) / 3, mode="same")
    rise = np.diff(smooth[1:-1])
    i = int(np.argmax(rise)) + 1
    tm0 = 0.5 * (t[i] + t[i + 1])
    step = float(np.median(np.diff(t)))
    slope0 = (v[1] - v[0]) / (t[1] - t[0])
    p0 = (v[0] - slope0 * t[0], slope0, max(v[i + 1] - v[i], 1e-6), tm0, step)
    try:
        popt, pcov = curve_fit(
            _sigmoid_step,
            t,
            v,
            p0=p0,
            bounds=(
                [-np.inf, -np.inf, 0.0, t[0], 0.2 * step],
                [np.inf, np.inf, np.inf, t[-1], np.ptp(t)],
            ),
            maxfev=20000,
        )
    except RuntimeError:
        return tm0, step
    return float(popt[3]), float(np.sqrt(pcov[3, 3]))


def melting_point(curve: CaloricCurve) -> MeltingPoint:
    """T_m from a smoothed step fitted to E(T) (`fit_step`); its uncertainty is the fit's
    standard error combined with half a temperature step. The same fit on the Lindemann
    index gives `lindemann_K`."""
    t = curve.temperature_K
    half_step = 0.5 * float(np.median(np.diff(t)))
    tm, err = fit_step(t, curve.energy_per_atom_eV)
    tl, _ = fit_step(t, curve.lindemann)
    return MeltingPoint(
        temperature_K=tm, uncertainty_K=float(np.hypot(err, half_step)), lindemann_K=tl
    )


@dataclass(frozen=True, kw_only=True)
class PawlowFit:
    """T_m(N) = bulk_K (1 − c N^(−1/3)) with standard errors from the fit covariance."""

    bulk_K: float
    bulk_error_K: float
    c: float
    c_error: float

    def __call__(self, n_atoms):
        return self.bulk_K * (1 - self.c * np.asarray(n_atoms, dtype=float) ** (-1 / 3))


def pawlow_fit(n_atoms, melting_K, uncertainty_K=None) -> PawlowFit:
    """Weighted linear least squares of T_m against N^(−1/3) (≥ 3 sizes)."""
    x = np.asarray(n_atoms, dtype=float) ** (-1 / 3)
    y = np.asarray(melting_K, dtype=float)
    if len(x) < 3:
        raise ParameterError("a Pawlow fit needs melting points of ≥ 3 sizes")
    sigma = np.ones_like(y) if uncertainty_K is None else np.asarray(uncertainty_K, dtype=float)
    (slope, intercept), cov = np.polyfit(x, y, 1, w=1 / sigma, cov="unscaled")
    if uncertainty_K is None:
        cov = cov * np.sum((y - (intercept + slope * x)) ** 2) / max(len(x) - 2, 1)
    c = -slope / intercept
    dc = np.sqrt((cov[0, 0] / intercept**2) + (slope**2 * cov[1, 1] / intercept**4))
    return PawlowFit(
        bulk_K=float(intercept),
        bulk_error_K=float(np.sqrt(cov[1, 1])),
        c=float(c),
        c_error=float(dc),
    )


def zero_pressure_lattice_constant(
    temperature_K: float,
    *,
    md: MDSettings = DEFAULT_MD,
    element: str = "Au",
    strains=(0.0, 0.005, 0.01, 0.015),
    run_ps: float = 4.0,
    seed: int = 0,
) -> float:
    """Lattice constant [Å] of the crystal at zero pressure and `temperature_K`: pressure of a
    periodic 256-atom crystal (Langevin, virial + kinetic) at a few strains, interpolated."""
    a0 = bulk_reference(md.potential, element).lattice_constant_A
    pressures = []
    for k, eps in enumerate(strains):
        crystal = bulk(element, "fcc", a=a0 * (1 + eps), cubic=True).repeat(4)
        crystal.calc = make_potential(md.potential, {element})
        settings = _segment(md, temperature_K, seed + k, duration_ps=run_ps)
        dyn = make_integrator(crystal, replace(settings, ensemble=Ensemble.LANGEVIN))
        n_steps = settings.total_steps
        dyn.run(n_steps // 2)  # equilibrate half the run, then sample 50 blocks
        p = []
        for _ in range(50):
            dyn.run(n_steps // 100)
            p.append(-np.trace(crystal.get_stress(voigt=False, include_ideal_gas=True)) / 3)
        pressures.append(np.mean(p))
    slope, intercept = np.polyfit(strains, pressures, 1)
    return float(a0 * (1 - intercept / slope))


def anharmonic_enthalpy(
    harmonic: Harmonic,
    *,
    potential: Potential | str = Potential.EMT,
    element: str = "Au",
    temperatures_K=(150.0, 300.0, 450.0, 600.0, 750.0),
    run_ps: float = 20.0,
    seed: int = 0,
) -> Anharmonic:
    """H − (E₀ + 3kT) = a T² + b T³ per atom of the crystal at zero pressure, fitted to one
    MD run per temperature: the mean potential energy of a 256-atom periodic crystal
    (Langevin at 5 fs, at `zero_pressure_lattice_constant`, a quarter of `run_ps`
    equilibration) less E₀ + 3kT/2 (`aucluster.thermo.vapour`, which integrates it)."""
    temps = np.asarray(sorted(temperatures_K), dtype=float)
    if len(temps) < 2 or temps.min() <= 0:
        raise ParameterError("the anharmonic fit needs two or more positive temperatures")
    excess = []
    for k, t in enumerate(temps):
        a = zero_pressure_lattice_constant(float(t), seed=seed + 10 * k)
        crystal = bulk(element, "fcc", a=a, cubic=True).repeat(4)
        crystal.calc = make_potential(potential, {element})
        settings = MDSettings(
            program=constant(float(t)),
            duration_ps=run_ps,
            timestep_fs=5.0,
            seed=seed + 10 * k + 1,
            potential=Potential(potential),
        )
        initial_momenta(crystal, settings)
        dyn = make_integrator(crystal, settings)
        steps = settings.total_steps
        dyn.run(steps // 4)  # equilibrate a quarter, sample the rest every 50 steps
        energies = []
        for _ in range((steps - steps // 4) // 50):
            dyn.run(50)
            energies.append(crystal.get_potential_energy() / len(crystal))
        kt = units.kB * t
        excess.append(float(np.mean(energies)) - harmonic.energy_per_atom_eV - 1.5 * kt)
    design = np.column_stack([temps**2, temps**3])
    (a_coef, b_coef), *_ = np.linalg.lstsq(design, np.array(excess), rcond=None)
    residual = np.abs(design @ np.array([a_coef, b_coef]) - np.array(excess)).max()
    return Anharmonic(
        a=float(a_coef),
        b=float(b_coef),
        temperatures_K=tuple(float(t) for t in temps),
        excess_enthalpy_eV=tuple(excess),
        max_residual_eV=float(residual),
    )


@dataclass(frozen=True, kw_only=True)
class Coexistence:
    temperature_K: float
    uncertainty_K: float
    lattice_constant_A: float
    start_K: float
    solid_fraction_end: float
    n_atoms: int


def bulk_coexistence(
    start_K: float,
    *,
    md: MDSettings = DEFAULT_MD,
    element: str = "Au",
    cells: tuple[int, int, int] = (6, 6, 16),
    prepare_ps: float = 10.0,
    run_ps: float = 40.0,
    lattice_temperature_K: float | None = None,
    seed: int = 0,
) -> Coexistence:
    """Melting point of the bulk crystal by solid–liquid coexistence (module notes).

    `start_K` should lie within ~10 % of the answer: the temperature moves towards T_m as
    latent heat flows, and the run fails (one phase gone) if it starts too far off. The
    crystal's lateral lattice constant is the zero-pressure one at `lattice_temperature_K`
    (default `start_K`); runs from several starts should share one, near T_m.
    """
    t_lattice = start_K if lattice_temperature_K is None else lattice_temperature_K
    a = zero_pressure_lattice_constant(t_lattice, md=md, element=element, seed=seed)
    slab = bulk(element, "fcc", a=a, cubic=True).repeat(cells)
    height = float(slab.cell[2, 2])
    cell = np.array(slab.cell)
    cell[2, 2] = height + 30.0  # 30 Å vacuum: free liquid surfaces
    slab.set_cell(cell, scale_atoms=False)
    slab.center(axis=2)
    slab.pbc = (True, True, False)
    z = slab.positions[:, 2] - slab.positions[:, 2].mean()
    solid = np.abs(z) < height / 4
    slab.calc = make_potential(md.potential, {element})
    # melt the outer halves with the middle held, then bring them to the starting temperature
    from asap3.constraints import FixAtoms  # asap3's integrators accept only their own

    slab.set_constraint(FixAtoms(mask=solid))
    _langevin(slab, md, 2.0 * start_K, seed, duration_ps=prepare_ps / 2)
    _langevin(slab, md, start_K, seed + 1, duration_ps=prepare_ps / 2)
    slab.set_constraint()
    # the held crystal has no thermal motion yet: thermalise everything briefly (2 ps, too
    # short for the interfaces to move far) so that NVE starts at start_K in both phases
    _langevin(slab, md, start_K, seed + 2, duration_ps=2.0)
    nve = replace(_segment(md, start_K, seed, duration_ps=run_ps), ensemble=Ensemble.NVE)
    dyn = make_integrator(slab, nve)
    temps = []
    dof = degrees_of_freedom(slab, Ensemble.NVE)  # periodic in x, y: 3N − 3
    for _ in range(100):
        dyn.run(nve.total_steps // 100)
        temps.append(kinetic_temperature(slab, dof))
    second = np.asarray(temps[50:])
    blocks = second.reshape(5, -1).mean(axis=1)
    solid_fraction = float(adaptive_cna(slab).crystalline.mean())
    if not 0.1 < solid_fraction < 0.9:
        phase = "solid" if solid_fraction >= 0.9 else "liquid"
        raise ParameterError(
            f"coexistence from {start_K:.0f} K ended {phase} "
            f"(crystalline fraction {solid_fraction:.2f}): start closer to the melting point"
        )
    return Coexistence(
        temperature_K=float(second.mean()),
        uncertainty_K=float(blocks.std(ddof=1) / np.sqrt(len(blocks))),
        lattice_constant_A=a,
        start_K=float(start_K),
        solid_fraction_end=solid_fraction,
        n_atoms=len(slab),
    )
