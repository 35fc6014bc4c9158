"""Calculators: asap3 EMT (default) and Gupta, the implicit solvent, the wall, and their sum."""

from aucluster.potentials.terms import (
    ImplicitSolvent,
    SolventParameters,
    SphericalWall,
    WallParameters,
)
from aucluster.potentials.total import (
    BALETTO_AU_GUPTA,
    Potential,
    TotalCalculator,
    make_potential,
)


def make_calculator(
    potential: Potential | str,
    elements,
    *,
    solvent: SolventParameters | None = None,
    wall: WallParameters | None = None,
):
    """The MD calculator: the potential plus the solvent term (if μ_s > 0) and the wall (if
    given), summed in a `TotalCalculator` (term order: potential, solvent, wall). With no
    extra term the bare asap3 potential is returned, which asap3's integrators drive
    without a round trip through Python."""
    potential_calc = make_potential(potential, elements)
    terms = [potential_calc]
    if solvent is not None and solvent.mu_eV > 0:
        terms.append(ImplicitSolvent(solvent))
    if wall is not None:
        terms.append(SphericalWall(wall))
    return TotalCalculator(terms) if len(terms) > 1 else potential_calc


__all__ = [
    "BALETTO_AU_GUPTA",
    "ImplicitSolvent",
    "Potential",
    "SolventParameters",
    "SphericalWall",
    "TotalCalculator",
    "WallParameters",
    "make_calculator",
    "make_potential",
]
