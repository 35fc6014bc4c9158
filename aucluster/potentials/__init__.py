"""Calculators: asap3 EMT (default) and Gupta, the implicit solvent, the wall, and their sum."""

from dataclasses import dataclass, field

from aucluster.errors import ParameterError
from aucluster.potentials.embedding import EmbeddingSolvent
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


@dataclass(frozen=True, kw_only=True)
class Hamiltonian:
    """What an MD run's atoms move on: the potential, the implicit solvent and the wall (the
    fields of the same names in `aucluster.md.MDSettings`)."""

    potential: Potential = Potential.EMT
    solvent: SolventParameters = field(default_factory=SolventParameters)
    wall: WallParameters | None = None
    cluster_correction: bool = False

    def calculator(self, elements):
        """A new calculator for atoms of these `elements` (`make_calculator`)."""
        return make_calculator(
            self.potential,
            elements,
            solvent=self.solvent,
            wall=self.wall,
            cluster_correction=self.cluster_correction,
        )


def make_calculator(
    potential: Potential | str,
    elements,
    *,
    solvent: SolventParameters | None = None,
    wall: WallParameters | None = None,
    cluster_correction: bool = False,
):
    """The MD calculator: the potential plus the small-cluster correction (if asked: the real
    Au₂ and the bond penalty fitted to PBE Au₃–Au₇, `aucluster.potentials.correction`), the
    solvent term (if μ_s > 0) and the wall (if given),
    summed in a `TotalCalculator` (term order: potential, correction, solvent, wall). With no
    extra term the bare asap3 potential is returned, which asap3's integrators drive
    without a round trip through Python."""
    potential_calc = make_potential(potential, elements)
    terms = [potential_calc]
    solvent_term: ImplicitSolvent | EmbeddingSolvent | None = None
    if solvent is not None and solvent.mu_eV > 0:
        if solvent.form == "embedding":
            if Potential(potential) is not Potential.EMT or set(elements) - {"Au"}:
                raise ParameterError("the embedding solvent is EMT Au's (potential 'emt')")
            solvent_term = EmbeddingSolvent(solvent)
        else:
            solvent_term = ImplicitSolvent(solvent)
    if cluster_correction:
        if Potential(potential) is not Potential.EMT or set(elements) - {"Au"}:
            raise ParameterError("the small-cluster correction is for EMT Au only")
        from aucluster.potentials.correction import SmallClusterCorrection, shares_switch
        from aucluster.potentials.small_clusters import fitted_penalty

        shared = (
            solvent_term
            if isinstance(solvent_term, ImplicitSolvent) and shares_switch(solvent_term.solvent)
            else None
        )
        terms.append(SmallClusterCorrection(bonds=fitted_penalty(), coordination=shared))
    if solvent_term is not None:
        terms.append(solvent_term)
    if wall is not None:
        terms.append(SphericalWall(wall))
    return TotalCalculator(terms) if len(terms) > 1 else potential_calc


__all__ = [
    "BALETTO_AU_GUPTA",
    "EmbeddingSolvent",
    "Hamiltonian",
    "ImplicitSolvent",
    "Potential",
    "SolventParameters",
    "SphericalWall",
    "TotalCalculator",
    "WallParameters",
    "make_calculator",
    "make_potential",
]
