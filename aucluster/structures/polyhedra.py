"""Builders for closed-shell polyhedral clusters: icosahedra, decahedra, octahedra and kin.

All builders take the element (an fcc metal with asap3 EMT parameters, Au by default) and an
optional lattice constant `a0` [Å]; atoms sit on ideal, unrelaxed sites with nearest-neighbour
distance a0/√2, centred in a vacuum box (pbc False). They wrap ASE's `ase.cluster` builders,
whose geometry is the standard one (Mackay 1962; Ino 1969; Marks 1984).
"""

import numpy as np
from ase import Atoms
from ase.cluster import Decahedron, Icosahedron, Octahedron
from ase.lattice.cubic import FaceCenteredCubic

from aucluster.errors import ParameterError
from aucluster.limits import check_atoms
from aucluster.structures.elements import resolve_lattice_constant
from aucluster.structures.geometry import DEFAULT_VACUUM, in_vacuum_box
from aucluster.structures.motif import Motif, label
from aucluster.structures.sizes import (
    decahedron_size,
    fcc_sphere_size,
    icosahedron_size,
    octahedron_size,
)


def _positive_int(name: str, value: int, minimum: int = 1) -> int:
    if int(value) != value or value < minimum:
        raise ParameterError(f"{name} = {value!r}: must be an integer ≥ {minimum}")
    return int(value)


def _finish(atoms: Atoms, element: str, vacuum: float, motif: Motif, **parameters) -> Atoms:
    atoms.set_chemical_symbols([element] * len(atoms))
    out = in_vacuum_box(atoms, vacuum)
    label(out, motif, element=element, **parameters)
    return out


def build_icosahedron(
    n_shells: int, *, element: str = "Au", a0: float | None = None, vacuum: float = DEFAULT_VACUUM
) -> Atoms:
    """Mackay icosahedron with `n_shells` shells (1 → 1 atom, 2 → 13, 3 → 55, ...).

    Radial nearest-neighbour distances are a0/√2; distances within a shell are longer by
    1/sin(2π/5) ≈ 1.0515 (the Mackay strain).
    """
    n_shells = _positive_int("n_shells", n_shells)
    check_atoms(icosahedron_size(n_shells), f"an icosahedron of {n_shells} shells")
    a0 = resolve_lattice_constant(element, a0)
    atoms = Icosahedron(element, n_shells, latticeconstant=a0)
    return _finish(atoms, element, vacuum, Motif.ICOSAHEDRON, n_shells=n_shells, a0=a0)


def build_decahedron(
    p: int,
    q: int,
    r: int = 0,
    *,
    element: str = "Au",
    a0: float | None = None,
    vacuum: float = DEFAULT_VACUUM,
) -> Atoms:
    """Decahedron with ASE's (p, q, r): Ino when r = 0, Marks when r ≥ 1.

    Parameters
    ----------
    p : int
        Atoms along the edges of the (100) facets perpendicular to the five-fold axis (≥ 1;
        p = 1 only with a re-entrance r ≥ 1).
    q : int
        Atoms along the (100) facets parallel to the five-fold axis (≥ 1; 1 means no (100)
        facets, the regular pentagonal bipyramid).
    r : int
        Depth of the Marks re-entrance at the pentagon corners (≥ 0, any depth ASE builds:
        r ≥ p gives the compact Marks decahedra such as (2, 3, 3), 550 atoms).

    (p, q, r) = (1, q, 0) is refused: ASE builds it as a single row of q atoms on the
    five-fold axis, with no twin plane.
    """
    p = _positive_int("p", p, 1)
    q = _positive_int("q", q, 1)
    r = _positive_int("r", r, 0)
    if p == 1 and r == 0:
        raise ParameterError(
            f"(p, q, r) = (1, {q}, 0) is a row of {q} atoms, not a decahedron: p ≥ 2, or r ≥ 1"
        )
    what = f"a decahedron of (p, q, r) = ({p}, {q}, {r})"
    check_atoms((5 * p**3 + p) / 6, what)  # the q = 1, r = 0 member: a lower bound, in O(1)
    check_atoms(decahedron_size(p, q, r), what)
    a0 = resolve_lattice_constant(element, a0)
    atoms = Decahedron(element, p, q, r, latticeconstant=a0)
    motif = Motif.INO_DECAHEDRON if r == 0 else Motif.MARKS_DECAHEDRON
    return _finish(atoms, element, vacuum, motif, p=p, q=q, r=r, a0=a0)


def build_octahedron(
    length: int,
    cutoff: int = 0,
    *,
    element: str = "Au",
    a0: float | None = None,
    vacuum: float = DEFAULT_VACUUM,
) -> Atoms:
    """fcc octahedron with `length` atoms per edge, its corners cut `cutoff` layers deep.

    cutoff = 0 is the regular octahedron, 2·cutoff = length − 1 the cuboctahedron, anything in
    between a truncated octahedron (regular, with equal edges, when length = 3·cutoff + 1).
    """
    length = _positive_int("length", length)
    cutoff = _positive_int("cutoff", cutoff, 0)
    if 2 * cutoff > length - 1:
        raise ParameterError(
            f"cutoff = {cutoff}: at most (length − 1)/2 = {(length - 1) // 2} for length {length}"
        )
    check_atoms(octahedron_size(length, cutoff), f"an octahedron of length {length}")
    a0 = resolve_lattice_constant(element, a0)
    atoms = Octahedron(element, length, cutoff, latticeconstant=a0)
    if cutoff == 0:
        motif = Motif.OCTAHEDRON
    elif 2 * cutoff == length - 1:
        motif = Motif.CUBOCTAHEDRON
    else:
        motif = Motif.TRUNCATED_OCTAHEDRON
    return _finish(atoms, element, vacuum, motif, length=length, cutoff=cutoff, a0=a0)


def build_cuboctahedron(
    n_shells: int, *, element: str = "Au", a0: float | None = None, vacuum: float = DEFAULT_VACUUM
) -> Atoms:
    """Cuboctahedron with `n_shells` shells: the same sizes as Mackay icosahedra (1, 13, 55...)."""
    n_shells = _positive_int("n_shells", n_shells)
    check_atoms(icosahedron_size(n_shells), f"a cuboctahedron of {n_shells} shells")
    atoms = build_octahedron(2 * n_shells - 1, n_shells - 1, element=element, a0=a0, vacuum=vacuum)
    label(atoms, Motif.CUBOCTAHEDRON, n_shells=n_shells)
    return atoms


def build_double_icosahedron(
    *, element: str = "Au", a0: float | None = None, vacuum: float = DEFAULT_VACUUM
) -> Atoms:
    """The 19-atom double icosahedron (D5h): two 13-atom icosahedra sharing a pentagon and
    each other's centres.

    Seven atoms on the five-fold axis alternate with three staggered pentagons (pole, ring A,
    centre, ring B, centre, ring C, pole). Ring-to-centre and pole-to-centre distances equal
    R = a0/√2; the two centres are then 2R/√5 ≈ 0.894 R apart, the compression every double
    icosahedron carries before relaxation.
    """
    a0 = resolve_lattice_constant(element, a0)
    radial = a0 / np.sqrt(2.0)
    z_ring = radial / np.sqrt(5.0)  # height of a pentagon above its icosahedron's centre
    rho = 2.0 * radial / np.sqrt(5.0)  # pentagon radius
    centres = (z_ring, -z_ring)  # centres sit on either side of the shared ring B at z = 0
    positions = [(0.0, 0.0, centres[0] + radial), (0.0, 0.0, centres[1] - radial)]
    positions += [(0.0, 0.0, zc) for zc in centres]
    for z, phase in ((centres[0] + z_ring, 0.0), (0.0, np.pi / 5), (centres[1] - z_ring, 0.0)):
        for k in range(5):
            angle = phase + 2 * np.pi * k / 5
            positions.append((rho * np.cos(angle), rho * np.sin(angle), z))
    atoms = Atoms(element * 19, positions=positions)
    return _finish(atoms, element, vacuum, Motif.DOUBLE_ICOSAHEDRON, a0=a0)


def build_fcc_sphere(
    radius: float,
    *,
    element: str = "Au",
    a0: float | None = None,
    vacuum: float = DEFAULT_VACUUM,
) -> Atoms:
    """Single-crystal fcc sphere: all lattice sites within `radius` [Å] of an atom at the origin."""
    if not radius >= 0:
        raise ParameterError(f"radius {radius!r} Å: must be ≥ 0")
    a0 = resolve_lattice_constant(element, a0)
    check_atoms(fcc_sphere_size(radius, a0), f"an fcc sphere of radius {radius:g} Å")
    atoms = fcc_sites_in_sphere(radius, a0, element)
    return _finish(atoms, element, vacuum, Motif.FCC_SPHERE, radius=float(radius), a0=a0)


def fcc_sites_in_sphere(radius: float, a0: float, element: str = "Au") -> Atoms:
    """fcc lattice sites within `radius` [Å] of the origin (an atom site), cube-axis aligned.

    Returned without a box: a helper for the composite builders, which place and rotate it.
    """
    n_cells = int(np.ceil(radius / a0)) + 1
    crystal = FaceCenteredCubic(
        symbol=element, latticeconstant=a0, size=(2 * n_cells, 2 * n_cells, 2 * n_cells), pbc=False
    )
    pos = crystal.positions - n_cells * a0  # a lattice site lands on the origin
    keep = np.linalg.norm(pos, axis=1) <= radius + 1e-9
    return Atoms(element * int(keep.sum()), positions=pos[keep])
