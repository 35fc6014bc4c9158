"""The calculator MD runs on: a potential (asap3 EMT or Gupta) plus optional extra terms.

ASE's `SumCalculator` refuses asap3 calculators (they lack `implemented_properties`), so the
sum is done here. asap3 calculators must be bound to the very Atoms object they compute
(`set_atoms`), which this class does on first use.
"""

from enum import StrEnum

import numpy as np
from ase.calculators.calculator import Calculator, all_changes

from aucluster.errors import ParameterError
from aucluster.structures.elements import SUPPORTED_ELEMENTS

#: Au Gupta (second-moment tight-binding) parameters p, q, A [eV], ξ [eV], r0 [Å] of
#: Baletto, Ferrando, Fortunelli, Montalenti & Mottet, J. Chem. Phys. 116, 3856 (2002),
#: doi:10.1063/1.1448484; r0 is the nearest-neighbour distance 4.07/√2 Å.
BALETTO_AU_GUPTA = (10.53, 4.30, 0.2197, 1.855, 4.07 / np.sqrt(2.0))


class Potential(StrEnum):
    """Interatomic potential of the metal."""

    EMT = "emt"
    GUPTA = "gupta"


def make_potential(potential: Potential | str, elements: set[str] | frozenset[str]):
    """A new asap3 calculator for `potential`, checked against the `elements` present."""
    try:
        potential = Potential(potential)
    except ValueError:
        allowed = ", ".join(str(p) for p in Potential)
        raise ParameterError(f"unknown potential {potential!r}: allowed are {allowed}") from None
    if potential is Potential.EMT:
        bad = sorted(set(elements) - set(SUPPORTED_ELEMENTS))
        if bad:
            raise ParameterError(
                f"asap3 EMT has no parameters for {', '.join(bad)}: allowed are "
                f"{', '.join(SUPPORTED_ELEMENTS)}"
            )
        from asap3 import EMT

        return EMT()
    bad = sorted(set(elements) - {"Au"})
    if bad:
        raise ParameterError(
            f"the Gupta potential here has Baletto's Au parameters only, not {bad}"
        )
    from asap3 import Gupta

    return Gupta({"Au": list(BALETTO_AU_GUPTA)})


class TotalCalculator(Calculator):
    """Sum of calculators: energy, per-atom energies and forces add up.

    The first term is usually the asap3 potential; the others (`ImplicitSolvent`,
    `SphericalWall`) are ASE calculators. Per-term energies of the last evaluation are kept in
    ``results["term_energies"]`` in the order given.
    """

    implemented_properties = ["energy", "forces", "energies"]  # noqa: RUF012 (ASE API)

    def __init__(self, terms) -> None:
        super().__init__()
        if not terms:
            raise ParameterError("TotalCalculator needs at least one term")
        self.terms = list(terms)
        self._bound = None

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        if atoms is not None and atoms is not self._bound:
            for term in self.terms:
                if hasattr(term, "set_atoms") and not isinstance(term, Calculator):
                    term.set_atoms(atoms)  # asap3 potentials compute only their bound atoms
            self._bound = atoms
        target = atoms if atoms is not None else self.atoms
        n = len(target)
        energy, energies, forces, parts = 0.0, np.zeros(n), np.zeros((n, 3)), []
        for term in self.terms:
            e = float(term.get_potential_energy(target))
            energy += e
            parts.append(e)
            forces += term.get_forces(target)
            if "energies" in properties:
                energies += term.get_potential_energies(target)
        self.results = {"energy": energy, "forces": forces, "term_energies": np.array(parts)}
        if "energies" in properties:
            self.results["energies"] = energies
