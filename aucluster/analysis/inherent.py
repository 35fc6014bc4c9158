"""Which positions the structural labels are computed on: the frame as it is, its inherent
structure (the local minimum it quenches to), or positions averaged over a few frames.

At 0.5–0.7 T_m thermal displacements are large enough that adaptive CNA flickers between
labels from frame to frame (a solid Ih147 at 650 K reads "amorphous" in a third of its
frames). The inherent structure (Stillinger & Weber, Phys. Rev. A 25, 978 (1982)) removes the
vibrations and keeps the arrangement: quench each frame to the nearest local minimum of the
run's own Hamiltonian (potential, solvent, wall) and label that. The trajectory is never
changed: the quench works on a copy.

The quench is FIRE (Bitzek et al., Phys. Rev. Lett. 97, 170201 (2006)) with the parameters and
step rule of ASE's `ase.optimize.FIRE` (dt 0.1, dtmax 1.0, Nmin 5, finc 1.1, fdec 0.5,
α 0.1 → ×0.99, maximum step 0.2 Å over all coordinates), written out here so that each step
costs one force call: ASE's loop asks for the forces three times and for the energy once per
step (its log), 1.4× our time on a 1,504-atom frame (`bench/quench_analysis.py`), and the
quench is most of the cost of a quenched analysis. `tests/analysis/test_inherent.py` runs
both side by side: the same positions after every step.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.potentials import Hamiltonian


class LabelMode(StrEnum):
    """Positions the structural labels (CNA, grains, faults, motif) are computed on."""

    QUENCHED = "quenched"  # the frame's inherent structure (default)
    INSTANTANEOUS = "instantaneous"  # the frame as recorded
    AVERAGED = "averaged"  # positions averaged over the last `average_window` frames


#: ASE FIRE's parameters (ase.optimize.FIRE defaults).
FIRE_DT, FIRE_DTMAX, FIRE_NMIN, FIRE_FINC, FIRE_FDEC = 0.1, 1.0, 5, 1.1, 0.5
FIRE_ASTART, FIRE_FA, FIRE_MAXSTEP = 0.1, 0.99, 0.2

#: Quench tolerance [eV/Å] and step limit: the labels of a quenched 1,504-atom TO at 650 K no
#: longer change below ~0.1 eV/Å (docs/analysis.md, bench/labels_at_temperature.py); 0.05
#: eV/Å leaves a margin.
DEFAULT_QUENCH_FMAX = 0.05
DEFAULT_QUENCH_MAX_STEPS = 1000


@dataclass(frozen=True)
class Quench:
    """A quenched copy of a frame, the FIRE steps taken, the largest force left and whether
    it is below the tolerance."""

    atoms: Atoms
    n_steps: int
    max_force_eV_per_A: float
    converged: bool


def _max_force(forces: np.ndarray) -> float:
    return float(np.sqrt((forces**2).sum(axis=1)).max()) if len(forces) else 0.0


def quench(
    atoms: Atoms,
    hamiltonian: Hamiltonian | None = None,
    *,
    fmax: float = DEFAULT_QUENCH_FMAX,
    max_steps: int = DEFAULT_QUENCH_MAX_STEPS,
) -> Quench:
    """FIRE-quench a copy of `atoms` on `hamiltonian` (default: EMT alone) until every force
    is below `fmax` [eV/Å] or `max_steps` steps are taken (module notes)."""
    if not fmax > 0:
        raise ParameterError(f"quench fmax = {fmax!r} eV/Å: must be positive")
    if int(max_steps) != max_steps or max_steps < 0:
        raise ParameterError(f"quench max_steps = {max_steps!r}: an integer ≥ 0")
    h = Hamiltonian() if hamiltonian is None else hamiltonian
    work = atoms.copy()
    work.constraints = []
    work.calc = h.calculator(set(work.get_chemical_symbols()))
    vel: np.ndarray | None = None
    dt, a, n_positive = FIRE_DT, FIRE_ASTART, 0
    step = 0
    while True:
        forces = work.get_forces()
        largest = _max_force(forces)
        if largest < fmax or step == max_steps:
            break
        step += 1
        g = forces.ravel()
        if vel is None:
            vel = np.zeros_like(g)
        else:
            vf = float(np.vdot(g, vel))
            if vf > 0.0:
                vel = (1.0 - a) * vel + a * g / np.sqrt(np.vdot(g, g)) * np.sqrt(np.vdot(vel, vel))
                if n_positive > FIRE_NMIN:
                    dt = min(dt * FIRE_FINC, FIRE_DTMAX)
                    a *= FIRE_FA
                n_positive += 1
            else:
                vel[:] = 0.0
                a = FIRE_ASTART
                dt *= FIRE_FDEC
                n_positive = 0
        vel += dt * g
        dr = dt * vel
        norm = float(np.sqrt(np.vdot(dr, dr)))
        if norm > FIRE_MAXSTEP:
            dr = FIRE_MAXSTEP * dr / norm
        work.positions = work.positions + dr.reshape(-1, 3)
    out = work.copy()
    out.calc = None
    return Quench(atoms=out, n_steps=step, max_force_eV_per_A=largest, converged=largest < fmax)


__all__ = [
    "DEFAULT_QUENCH_FMAX",
    "DEFAULT_QUENCH_MAX_STEPS",
    "LabelMode",
    "Quench",
    "quench",
]
