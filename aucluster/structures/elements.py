"""Elements the builders accept and their fcc lattice constants.

The builders make clusters of the fcc metals that asap3's EMT has default parameters for
(Jacobsen, Stoltze & Nørskov, Surf. Sci. 366, 394 (1996), doi:10.1016/0039-6028(96)00816-3):
Al, Ni, Cu, Pd, Ag, Pt, Au. Lattice constants are ASE's reference states (`ase.data`), which
are the experimental room-temperature values (Au 4.08 Å).
"""

import math

from ase.data import atomic_numbers, reference_states

from aucluster.errors import ParameterError

#: fcc metals with default asap3 EMT parameters, in order of atomic number.
SUPPORTED_ELEMENTS: tuple[str, ...] = ("Al", "Ni", "Cu", "Pd", "Ag", "Pt", "Au")


def check_element(element: str) -> str:
    """Return `element` if the builders support it, else raise `ParameterError`."""
    if element not in SUPPORTED_ELEMENTS:
        raise ParameterError(
            f"unknown element {element!r}: allowed are {', '.join(SUPPORTED_ELEMENTS)} "
            "(fcc metals with asap3 EMT parameters)"
        )
    return element


def lattice_constant(element: str) -> float:
    """Cubic fcc lattice constant a0 [Å] of `element` from ASE's reference states."""
    state = reference_states[atomic_numbers[check_element(element)]]
    assert state is not None  # every supported element has an fcc reference state
    return float(state["a"])  # type: ignore[arg-type]


def nearest_neighbour_distance(element: str, a0: float | None = None) -> float:
    """fcc nearest-neighbour distance a0/√2 [Å]; `a0` overrides the reference lattice constant."""
    return (lattice_constant(element) if a0 is None else a0) / math.sqrt(2.0)


def resolve_lattice_constant(element: str, a0: float | None) -> float:
    """`a0` if given (must be positive), else the element's reference lattice constant [Å]."""
    check_element(element)
    if a0 is None:
        return lattice_constant(element)
    if not (a0 > 0 and math.isfinite(a0)):
        raise ParameterError(f"lattice constant {a0!r} Å: must be a positive finite number")
    return float(a0)
