"""Local relaxation of one cluster with FIRE.

FIRE (Bitzek et al., Phys. Rev. Lett. 97, 170201 (2006); ASE's, step for step: `fire`) needs
only forces and a few hundred steps for a 1,500-atom EMT cluster (~0.2 s); BFGS would build a
3N × 3N Hessian (minutes at that size). The default force criterion, max |F| < 0.005 eV/Å,
fixes energies to ~10⁻⁴ eV per cluster, far below the differences between motifs.
"""

from dataclasses import dataclass

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.potentials import Potential, make_potential

#: Default force criterion [eV/Å] for local relaxations.
DEFAULT_FMAX = 0.005
#: Default cap on FIRE steps.
DEFAULT_MAX_STEPS = 5000


def fire(atoms: Atoms, fmax: float, max_steps: int) -> tuple[bool, int]:
    """ASE's FIRE (`ase.optimize.FIRE` with its defaults, ASE 3.2x), step for step, without
    the optimizer's bookkeeping: (converged, steps taken).

    ASE's `Optimizer.irun` asks the calculator for the forces three times a step (cached
    after the first), evaluates the energy for its log even with no log file and calls its
    observers; for a 55-atom asap3 cluster that was two thirds of a relaxation's time. The
    arithmetic here is ASE's, in ASE's order, so the positions after every step are the
    same floats (checked against `ase.optimize.FIRE` in tests/stability/test_relax.py).
    """
    dt, dt_max, n_min, f_inc, f_dec = 0.1, 1.0, 5, 1.1, 0.5
    a_start, f_a, max_step = 0.1, 0.99, 0.2
    a, n_downhill = a_start, 0
    forces = atoms.get_forces().ravel()
    converged = bool(np.linalg.norm(forces.reshape(-1, 3), axis=1).max() < fmax)
    velocity = None
    steps = 0
    while not converged and steps < max_steps:
        if velocity is None:
            velocity = np.zeros(forces.size)
        else:
            if np.vdot(forces, velocity) > 0.0:
                velocity = (1.0 - a) * velocity + a * forces / np.sqrt(
                    np.vdot(forces, forces)
                ) * np.sqrt(np.vdot(velocity, velocity))
                if n_downhill > n_min:
                    dt = min(dt * f_inc, dt_max)
                    a *= f_a
                n_downhill += 1
            else:
                velocity[:] *= 0.0
                a = a_start
                dt *= f_dec
                n_downhill = 0
        velocity += dt * forces
        dr = dt * velocity
        norm_dr = np.sqrt(np.vdot(dr, dr))
        if norm_dr > max_step:
            dr = max_step * dr / norm_dr
        atoms.set_positions((atoms.get_positions().ravel() + dr).reshape(-1, 3))
        steps += 1
        forces = atoms.get_forces().ravel()
        converged = bool(np.linalg.norm(forces.reshape(-1, 3), axis=1).max() < fmax)
    return converged, steps


@dataclass(frozen=True, kw_only=True)
class Relaxed:
    """A locally relaxed cluster: the structure (no calculator), its energy and the run."""

    atoms: Atoms
    energy_eV: float
    n_steps: int
    max_force_eV_per_A: float
    converged: bool


def check_fmax(fmax: float) -> float:
    if not np.isfinite(fmax) or fmax <= 0:
        raise ParameterError(f"fmax = {fmax!r} eV/Å: must be a positive number")
    return float(fmax)


def relax(
    atoms: Atoms,
    potential: Potential | str = Potential.EMT,
    *,
    fmax: float = DEFAULT_FMAX,
    max_steps: int = DEFAULT_MAX_STEPS,
    calculator=None,
    gupta_cutoff=None,
) -> Relaxed:
    """Relax a copy of `atoms` with FIRE until max |F| < `fmax` [eV/Å] or `max_steps`.

    `calculator` overrides `potential` (any ASE calculator, e.g. for tests on model potentials);
    `gupta_cutoff` is the Gupta potential's (`aucluster.potentials.gupta.GuptaCutoff`).
    """
    check_fmax(fmax)
    work = atoms.copy()
    work.constraints = []
    work.calc = (
        calculator
        if calculator is not None
        else make_potential(potential, set(work.get_chemical_symbols()), gupta_cutoff=gupta_cutoff)
    )
    converged, n_steps = fire(work, fmax, max_steps)
    energy = float(work.get_potential_energy())
    max_force = float(np.sqrt((work.get_forces() ** 2).sum(axis=1).max()))
    work.calc = None
    return Relaxed(
        atoms=work,
        energy_eV=energy,
        n_steps=n_steps,
        max_force_eV_per_A=max_force,
        converged=converged,
    )
