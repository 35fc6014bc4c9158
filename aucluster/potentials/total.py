"""The calculator MD runs on: a potential (asap3 EMT or Gupta) plus optional extra terms.

ASE's `SumCalculator` refuses asap3 calculators (they lack `implemented_properties`), so the
sum is done here. asap3 calculators must be bound to the very Atoms object they compute
(`set_atoms`), which this class does on first use.
"""

from enum import StrEnum

import numpy as np
from ase.calculators.calculator import Calculator, all_changes

from aucluster.errors import ParameterError
from aucluster.potentials.gupta import GuptaCutoff, asap3_gupta
from aucluster.potentials.terms import ExactStateCalculator
from aucluster.structures.elements import SUPPORTED_ELEMENTS

#: Au Gupta (second-moment tight-binding) parameters p, q, A [eV], ξ [eV], r0 [Å] of
#: Baletto, Ferrando, Fortunelli, Montalenti & Mottet, J. Chem. Phys. 116, 3856 (2002),
#: doi:10.1063/1.1448484; r0 is the nearest-neighbour distance 4.07/√2 Å.
BALETTO_AU_GUPTA = (10.53, 4.30, 0.2197, 1.855, 4.07 / np.sqrt(2.0))


class Potential(StrEnum):
    """Interatomic potential of the metal."""

    EMT = "emt"
    GUPTA = "gupta"


def make_potential(
    potential: Potential | str,
    elements: set[str] | frozenset[str],
    *,
    gupta_cutoff: "GuptaCutoff | str | None" = None,
):
    """A new asap3 calculator for `potential`, checked against the `elements` present.

    `gupta_cutoff` (Gupta only; `aucluster.potentials.gupta.GuptaCutoff`): asap3's default
    when None.
    """
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
        if gupta_cutoff is not None and GuptaCutoff.parse(gupta_cutoff).kind != "asap3":
            raise ParameterError(
                f"Gupta cutoff {gupta_cutoff}: a setting of the Gupta potential, not of EMT"
            )
        from asap3 import EMT

        return EMT()
    bad = sorted(set(elements) - {"Au"})
    if bad:
        raise ParameterError(
            f"the Gupta potential here has Baletto's Au parameters only, not {bad}"
        )
    return asap3_gupta(BALETTO_AU_GUPTA, gupta_cutoff if gupta_cutoff is not None else "asap3")


class TotalCalculator(ExactStateCalculator):
    """Sum of calculators: energy, per-atom energies and forces add up.

    The first term is usually the asap3 potential; the others (`ImplicitSolvent`,
    `SphericalWall`) are ASE calculators. Only the requested properties are computed (an MD
    step needs forces alone; asap3 computes energies in a separate pass). Per-term energies
    of the last energy evaluation are kept in ``results["term_energies"]`` in term order.
    """

    implemented_properties = ["energy", "forces", "energies"]  # noqa: RUF012 (ASE API)

    def __init__(self, terms) -> None:
        super().__init__()
        if not terms:
            raise ParameterError("TotalCalculator needs at least one term")
        self.terms = list(terms)
        self._bound = None
        self._extras_current = False

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        if atoms is None:
            raise ParameterError("TotalCalculator needs the atoms to compute")
        if atoms is not self._bound:
            for term in self.terms:
                if hasattr(term, "set_atoms") and not isinstance(term, Calculator):
                    term.set_atoms(atoms)  # asap3 potentials compute only their bound atoms
            self._bound = atoms
        self.atoms = atoms
        self.remember(atoms)
        if system_changes or not self._extras_current:
            # our own terms compute energy and forces in one pass: do it once per position
            density = self._potential_density(atoms, properties)
            for term in self.terms:
                if getattr(term, "takes_potential_density", False):
                    term.calculate(atoms, potential_density=density)
                elif isinstance(term, ExactStateCalculator):
                    term.calculate(atoms)
            self._extras_current = True
        if "forces" in properties:
            forces = self._term_property(self.terms[0], "forces", atoms).copy()
            for term in self.terms[1:]:
                forces += self._term_property(term, "forces", atoms)
            self.results["forces"] = forces
        if "energy" in properties:
            parts = np.array([float(self._term_property(t, "energy", atoms)) for t in self.terms])
            self.results["energy"] = float(parts.sum())
            self.results["term_energies"] = parts
        if "energies" in properties:
            energies = np.zeros(len(atoms))
            for term in self.terms:
                energies += self._term_property(term, "energies", atoms)
            self.results["energies"] = energies

    def _potential_density(self, atoms, properties) -> np.ndarray | None:
        """asap3 EMT's per-atom density σ₁ for these positions, computed now (with the
        forces or energy asked for, which asap3 keeps), if a term takes it; else None."""
        potential = self.terms[0]
        if isinstance(potential, Calculator) or not any(
            getattr(t, "takes_potential_density", False) for t in self.terms[1:]
        ):
            return None
        self._term_property(potential, "forces" if "forces" in properties else "energy", atoms)
        try:
            sigma = np.asarray(potential.get_extra("sigma"))
        except (AttributeError, RuntimeError, ValueError):
            return None  # not asap3 EMT
        return sigma[0, 0] if sigma.shape == (2, 1, len(atoms)) else None

    @staticmethod
    def _term_property(term, name: str, atoms):
        if isinstance(term, ExactStateCalculator):
            return term.results[name]  # computed above for these positions
        getter = {
            "forces": term.get_forces,
            "energy": term.get_potential_energy,
            "energies": term.get_potential_energies,
        }[name]
        return getter(atoms)

    def reset(self):
        super().reset()
        self._extras_current = False
