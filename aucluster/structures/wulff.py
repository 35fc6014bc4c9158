"""Wulff-shaped fcc clusters and the surface energies that shape them.

We build with ASE's `ase.cluster.wulff_construction` rather than pymatgen's `WulffShape`:
ASE returns atoms on the fcc lattice for a requested number of atoms (it searches the size that
matches), while pymatgen's `WulffShape` describes the continuous polyhedron only (areas,
volumes, plots) and would leave the carving of atoms to us.

Surface energies default to those of the potential the clusters are simulated with (asap3 EMT,
unrelaxed slabs), computed on first use, so that a Wulff cluster is the equilibrium shape of
the model and not of some other method.
"""

from collections.abc import Mapping
from functools import cache

import numpy as np
from ase import Atoms
from ase.build import bulk, fcc100, fcc110, fcc111
from ase.cluster import wulff_construction

from aucluster.errors import ParameterError
from aucluster.limits import check_atoms
from aucluster.structures.elements import check_element, resolve_lattice_constant
from aucluster.structures.geometry import DEFAULT_VACUUM, in_vacuum_box
from aucluster.structures.motif import Motif, label

_SLAB_BUILDERS = {(1, 1, 1): fcc111, (1, 0, 0): fcc100, (1, 1, 0): fcc110}


@cache
def _emt_surface_energies(
    element: str, a0: float
) -> tuple[tuple[tuple[int, int, int], float], ...]:
    from asap3 import EMT

    cell = bulk(element, "fcc", a=a0, cubic=True)
    cell.calc = EMT()
    e_bulk = cell.get_potential_energy() / len(cell)
    result = []
    for miller, builder in _SLAB_BUILDERS.items():
        # 12 layers: the two surfaces do not see each other through EMT's ~5 Å cutoff
        slab = builder(element, size=(2, 2, 12), a=a0, vacuum=8.0, periodic=True)
        slab.pbc = (True, True, False)
        slab.calc = EMT()
        area = np.linalg.norm(np.cross(slab.cell[0], slab.cell[1]))
        gamma = (slab.get_potential_energy() - len(slab) * e_bulk) / (2.0 * area)
        result.append((miller, float(gamma)))
    return tuple(result)


def emt_surface_energies(element: str = "Au", a0: float | None = None) -> dict:
    """Unrelaxed asap3-EMT surface energies γ [eV/Å²] of the (111), (100) and (110) faces.

    γ = (E_slab − N·ε_bulk) / (2A), from 12-layer slabs periodic in-plane, with ε_bulk the
    energy per atom of the bulk crystal at the same lattice constant `a0` [Å].
    """
    return dict(
        _emt_surface_energies(check_element(element), resolve_lattice_constant(element, a0))
    )


def build_wulff(
    n_atoms: int,
    *,
    surface_energies: Mapping[tuple[int, int, int], float] | None = None,
    element: str = "Au",
    a0: float | None = None,
    vacuum: float = DEFAULT_VACUUM,
) -> Atoms:
    """fcc Wulff cluster with the number of atoms closest to `n_atoms` ASE can make.

    Parameters
    ----------
    n_atoms : int
        Requested size; the result has the closest size the construction reaches.
    surface_energies : mapping of Miller index to γ [eV/Å²], optional
        Defaults to `emt_surface_energies(element, a0)`.
    """
    if int(n_atoms) != n_atoms or n_atoms < 1:
        raise ParameterError(f"n_atoms = {n_atoms!r}: must be an integer ≥ 1")
    check_atoms(n_atoms, f"n_atoms = {n_atoms}")
    a0 = resolve_lattice_constant(element, a0)
    energies = (
        dict(surface_energies)
        if surface_energies is not None
        else emt_surface_energies(element, a0)
    )
    if not energies or any(not (g > 0) for g in energies.values()):
        raise ParameterError(f"surface energies {energies!r}: need at least one, all positive")
    surfaces = [tuple(int(i) for i in m) for m in energies]
    atoms = wulff_construction(
        element,
        surfaces,
        list(energies.values()),
        int(n_atoms),
        "fcc",
        rounding="closest",
        latticeconstant=a0,
    )
    atoms.set_chemical_symbols([element] * len(atoms))
    out = in_vacuum_box(atoms, vacuum)
    faces = ",".join(
        f"{''.join(map(str, m))}:{g:.5f}" for m, g in zip(surfaces, energies.values(), strict=False)
    )
    label(
        out,
        Motif.WULFF,
        element=element,
        requested_n_atoms=int(n_atoms),
        a0=a0,
        surface_energies_eV_per_A2=faces,
    )
    return out
