"""What a stability table relaxes: every member of each motif family up to a size.

The families are those of `aucluster.structures.series` (icosahedra, cuboctahedra, Ino and
Marks decahedra over their (p, q, r) grid, octahedra and truncated octahedra over (length,
cutoff)) plus vacancy-centred icosahedra: a Mackay icosahedron without its central atom,
which relieves the compressed core and which EMT favours (the central atom of a Mackay
icosahedron sits ~5 % compressed).
"""

from dataclasses import dataclass

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.limits import check_atoms
from aucluster.structures.motif import SHELL_MOTIFS, Motif, label
from aucluster.structures.series import MotifMember, build_member, motif_family

#: Every motif a table can hold, in the order tables list them.
TABLE_MOTIFS: tuple[Motif, ...] = (
    Motif.ICOSAHEDRON,
    Motif.VACANCY_ICOSAHEDRON,
    Motif.INO_DECAHEDRON,
    Motif.MARKS_DECAHEDRON,
    Motif.CUBOCTAHEDRON,
    Motif.OCTAHEDRON,
    Motif.TRUNCATED_OCTAHEDRON,
)

#: The structural class of each motif: crossovers are between classes.
MOTIF_CLASS: dict[Motif, str] = {
    Motif.ICOSAHEDRON: "icosahedral",
    Motif.VACANCY_ICOSAHEDRON: "icosahedral",
    Motif.INO_DECAHEDRON: "decahedral",
    Motif.MARKS_DECAHEDRON: "decahedral",
    Motif.CUBOCTAHEDRON: "fcc",
    Motif.OCTAHEDRON: "fcc",
    Motif.TRUNCATED_OCTAHEDRON: "fcc",
}

#: The smallest cluster a table holds [atoms]: below 13 no motif is complete.
MIN_ATOMS = 13


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """One cluster of a table: motif, parameters (name, value pairs) and size."""

    motif: Motif
    parameters: tuple[tuple[str, int], ...]
    n_atoms: int

    def describe_parameters(self) -> str:
        """'name=value' joined by spaces, e.g. 'p=2 q=2 r=1'."""
        return " ".join(f"{k}={v}" for k, v in self.parameters)

    def build(self, element: str = "Au", a0: float | None = None) -> Atoms:
        """The unrelaxed cluster (in a vacuum box, pbc False)."""
        if self.motif is Motif.VACANCY_ICOSAHEDRON:
            shells = dict(self.parameters)["n_shells"]
            atoms = build_member(
                MotifMember(
                    motif=Motif.ICOSAHEDRON, parameters=self.parameters, n_atoms=self.n_atoms + 1
                ),
                element=element,
                a0=a0,
            )
            centre = atoms.positions.mean(axis=0)
            del atoms[int(np.argmin(np.linalg.norm(atoms.positions - centre, axis=1)))]
            label(atoms, Motif.VACANCY_ICOSAHEDRON, n_shells=shells)
            return atoms
        member = MotifMember(motif=self.motif, parameters=self.parameters, n_atoms=self.n_atoms)
        return build_member(member, element=element, a0=a0)


def parse_motifs(names) -> list[Motif]:
    """Motifs from names (an iterable or a comma-separated string; "all" for every one)."""
    if isinstance(names, str):
        if names.strip() == "all":
            return list(TABLE_MOTIFS)
        names = [n.strip() for n in names.split(",") if n.strip()]
    allowed = [str(m) for m in TABLE_MOTIFS]
    names = [str(n) for n in names]
    bad = [n for n in names if n not in allowed]
    if bad or not names:
        raise ParameterError(
            f"unknown motif(s) {', '.join(bad) or '(none)'}: allowed are {', '.join(allowed)}"
        )
    return [Motif(n) for n in dict.fromkeys(names)]


def check_max_atoms(max_atoms: int) -> int:
    if int(max_atoms) != max_atoms or max_atoms < MIN_ATOMS:
        raise ParameterError(
            f"max atoms = {max_atoms!r}: must be an integer ≥ {MIN_ATOMS} (the smallest "
            "complete motif)"
        )
    check_atoms(max_atoms, f"max atoms = {max_atoms}")
    return int(max_atoms)


def candidates(motifs, max_atoms: int) -> list[Candidate]:
    """Every member of the given motif families with 13 ≤ N ≤ `max_atoms`, by motif then size."""
    max_atoms = check_max_atoms(max_atoms)
    result: list[Candidate] = []
    for motif in parse_motifs(motifs):
        if motif is Motif.VACANCY_ICOSAHEDRON:
            members = [
                Candidate(motif=motif, parameters=m.parameters, n_atoms=m.n_atoms - 1)
                for m in motif_family(Motif.ICOSAHEDRON, max_atoms + 1)
            ]
        else:
            assert motif in SHELL_MOTIFS
            members = [
                Candidate(motif=motif, parameters=m.parameters, n_atoms=m.n_atoms)
                for m in motif_family(motif, max_atoms)
            ]
        result.extend(c for c in members if c.n_atoms >= MIN_ATOMS)
    return result
