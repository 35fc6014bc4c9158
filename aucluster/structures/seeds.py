"""Seeds as the experiment saw them: polycrystalline particles and crystalline cores wrapped
in a disordered shell."""

import numpy as np
from ase import Atoms
from ase.constraints import FixAtoms
from ase.optimize import FIRE

from aucluster.errors import ParameterError
from aucluster.limits import check_atoms, check_memory
from aucluster.structures.elements import resolve_lattice_constant
from aucluster.structures.geometry import DEFAULT_VACUUM, in_vacuum_box
from aucluster.structures.motif import Motif, Region, label
from aucluster.structures.packing import (
    first_come_mask,
    points_in_shell,
    random_rotation,
    random_sequential_addition,
)
from aucluster.structures.polyhedra import fcc_sites_in_sphere
from aucluster.structures.sizes import fcc_sphere_size

#: Default closest approach across a grain boundary, as a fraction of the nearest-neighbour
#: distance d: atoms of two grains nearer than 0.8·d are counted as one site and one is removed.
GRAIN_BOUNDARY_MIN_FRACTION = 0.8

#: Default closest approach of randomly placed shell atoms before relaxation, fraction of d.
SHELL_PLACEMENT_MIN_FRACTION = 0.75

#: Default density of the disordered shell relative to the fcc crystal: liquid Au at its melting
#: point, 17.31 g/cm³ (CRC Handbook, "Density of molten elements") over solid Au, 19.30 g/cm³.
AMORPHOUS_RELATIVE_DENSITY = 17.31 / 19.30


def _check_positive(name: str, value: float) -> float:
    if not (value > 0 and np.isfinite(value)):
        raise ParameterError(f"{name} = {value!r}: must be a positive number")
    return float(value)


def build_polycrystal(
    radius: float,
    n_grains: int,
    *,
    seed: int,
    element: str = "Au",
    a0: float | None = None,
    min_distance: float | None = None,
    vacuum: float = DEFAULT_VACUUM,
) -> Atoms:
    """Sphere of `radius` [Å] cut from `n_grains` randomly oriented fcc grains (Voronoi cells).

    Grain centres are spread at random inside 0.8·radius, at least radius/n_grains^(1/3) apart
    so that no grain is a sliver; each grain's lattice has a uniformly random orientation and
    an atom on its centre. Where two grains meet, atoms closer than `min_distance` [Å]
    (default 0.8·a0/√2) are thinned, the first-come (lower grain index) kept.
    Per-atom array ``grain`` holds each atom's grain index (ground truth for analysis).
    """
    radius = _check_positive("radius", radius)
    if int(n_grains) != n_grains or n_grains < 1:
        raise ParameterError(f"n_grains = {n_grains!r}: must be an integer ≥ 1")
    a0 = resolve_lattice_constant(element, a0)
    d_nn = a0 / np.sqrt(2.0)
    min_distance = GRAIN_BOUNDARY_MIN_FRACTION * d_nn if min_distance is None else min_distance
    _check_positive("min_distance", min_distance)
    if radius < a0:
        raise ParameterError(
            f"radius = {radius} Å: a polycrystal needs at least one lattice constant ({a0} Å)"
        )
    n_atoms = fcc_sphere_size(radius, a0)
    check_atoms(n_atoms, f"a polycrystal of radius {radius:g} Å")
    if n_grains > n_atoms:
        raise ParameterError(
            f"n_grains = {n_grains}: more grains than the ≈ {n_atoms:.0f} atoms of a "
            f"{radius:g} Å sphere"
        )
    # each grain's sites are assigned to the nearest centre: an (atoms × grains × 3) array
    check_memory(24.0 * n_atoms * n_grains, f"{n_grains} grains in a {radius:g} Å sphere")
    rng = np.random.default_rng(seed)
    centres = random_sequential_addition(
        int(n_grains),
        lambda k: points_in_shell(k, 0.0, 0.8 * radius, rng),
        radius / n_grains ** (1.0 / 3.0),
    )
    lattice = fcc_sites_in_sphere(2.0 * radius, a0).positions
    pieces, grain_ids = [], []
    for g, centre in enumerate(centres):
        pos = lattice @ random_rotation(rng).T + centre
        pos = pos[np.linalg.norm(pos, axis=1) <= radius]
        owner = np.argmin(np.linalg.norm(pos[:, None, :] - centres[None, :, :], axis=2), axis=1)
        pos = pos[owner == g]
        pieces.append(pos)
        grain_ids.append(np.full(len(pos), g))
    positions = np.vstack(pieces)
    grains = np.concatenate(grain_ids)
    keep = first_come_mask(positions, min_distance)
    atoms = Atoms(element * int(keep.sum()), positions=positions[keep])
    atoms.arrays["grain"] = grains[keep]
    out = in_vacuum_box(atoms, vacuum)
    label(
        out,
        Motif.POLYCRYSTAL,
        element=element,
        a0=a0,
        radius=radius,
        n_grains=int(n_grains),
        seed=int(seed),
        min_distance=float(min_distance),
    )
    return out


def build_core_shell(
    core_radius: float,
    shell_thickness: float,
    *,
    seed: int,
    shell_density: float = AMORPHOUS_RELATIVE_DENSITY,
    relax: bool = True,
    fmax: float = 0.05,
    max_steps: int = 500,
    element: str = "Au",
    a0: float | None = None,
    vacuum: float = DEFAULT_VACUUM,
) -> Atoms:
    """Crystalline fcc core of `core_radius` [Å] in a disordered shell `shell_thickness` [Å] thick.

    The shell holds shell_density × (fcc number density 4/a0³) × shell volume atoms, placed by
    random sequential addition at least 0.75·a0/√2 apart (from each other and the core), then
    quenched with asap3 EMT by FIRE (core atoms fixed) to `fmax` [eV/Å] or `max_steps` steps:
    a random close packing relaxed to the nearest local minimum, i.e. a glass.
    Per-atom ``build_region`` is 0 for core atoms and 1 for shell atoms.
    """
    core_radius = _check_positive("core_radius", core_radius)
    shell_thickness = _check_positive("shell_thickness", shell_thickness)
    shell_density = _check_positive("shell_density", shell_density)
    _check_positive("fmax", fmax)
    a0 = resolve_lattice_constant(element, a0)
    check_atoms(
        fcc_sphere_size(core_radius + shell_thickness, a0) * max(1.0, shell_density),
        f"a core-shell particle of radius {core_radius + shell_thickness:g} Å",
    )
    rng = np.random.default_rng(seed)
    core = fcc_sites_in_sphere(core_radius, a0, element).positions
    outer = core_radius + shell_thickness
    volume = 4.0 / 3.0 * np.pi * (outer**3 - core_radius**3)
    n_shell = round(shell_density * 4.0 / a0**3 * volume)
    shell = random_sequential_addition(
        n_shell,
        lambda k: points_in_shell(k, core_radius, outer, rng),
        SHELL_PLACEMENT_MIN_FRACTION * a0 / np.sqrt(2.0),
        fixed=core,
    )
    atoms = Atoms(element * (len(core) + len(shell)), positions=np.vstack([core, shell]))
    atoms.arrays["build_region"] = np.repeat([Region.CORE, Region.SHELL], [len(core), len(shell)])
    out = in_vacuum_box(atoms, vacuum)
    residual = None
    if relax and len(shell):
        residual = _quench_inplace(out, fixed=np.arange(len(core)), fmax=fmax, max_steps=max_steps)
    label(
        out,
        Motif.CORE_SHELL,
        element=element,
        a0=a0,
        core_radius=core_radius,
        shell_thickness=shell_thickness,
        shell_density=shell_density,
        seed=int(seed),
        n_core=len(core),
        n_shell=len(shell),
        relaxed=bool(relax),
        residual_fmax_eV_per_A=residual,
    )
    return out


def _quench_inplace(atoms: Atoms, *, fixed: np.ndarray, fmax: float, max_steps: int) -> float:
    """Relax `atoms` in place with asap3 EMT, `fixed` atoms held; return the largest
    remaining force on a free atom [eV/Å]."""
    from asap3 import EMT

    atoms.set_constraint(FixAtoms(indices=fixed))
    atoms.calc = EMT()
    FIRE(atoms, logfile=None).run(fmax=fmax, steps=max_steps)
    forces = atoms.get_forces()  # constrained atoms report zero force
    residual = float(np.linalg.norm(forces, axis=1).max())
    atoms.calc = None
    atoms.set_constraint()
    return residual
