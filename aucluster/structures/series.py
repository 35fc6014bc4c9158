"""Sizes of the shell motifs in closed form, their families, magic series and nearest members.

A *family* is every parameter set of one motif (the grid the stability tables scan); its
*magic series* is the one-parameter, shape-preserving subset whose members are the classic
magic numbers:

=====================  ======================  ===================  ======================
motif                  family parameters       magic series         sizes
=====================  ======================  ===================  ======================
icosahedron            n_shells ≥ 1            all                  1, 13, 55, 147, 309 …
cuboctahedron          n_shells ≥ 1            all                  1, 13, 55, 147, 309 …
octahedron             length ≥ 1              all                  1, 6, 19, 44, 85, 146 …
truncated-octahedron   length, 1 ≤ cutoff,     length = 3·cutoff+1  38, 201, 586 …
                       2·cutoff < length − 1   (regular, equal edges)
ino-decahedron         p ≥ 2, q ≥ 1, r = 0     p = q                13, 55, 147, 309 …
marks-decahedron       p ≥ 1, q ≥ 1, r ≥ 1     p = q = r + 1        75, 434, 1308 …
=====================  ======================  ===================  ======================
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.limits import check_atoms
from aucluster.structures.geometry import DEFAULT_VACUUM
from aucluster.structures.motif import SHELL_MOTIFS, Motif
from aucluster.structures.polyhedra import (
    build_cuboctahedron,
    build_decahedron,
    build_icosahedron,
    build_octahedron,
)
from aucluster.structures.sizes import decahedron_size, icosahedron_size, octahedron_size


@dataclass(frozen=True, kw_only=True)
class MotifMember:
    """One member of a motif family: its parameters and its number of atoms."""

    motif: Motif
    parameters: tuple[tuple[str, int], ...]
    n_atoms: int

    @property
    def parameter_dict(self) -> dict[str, int]:
        return dict(self.parameters)

    def describe_parameters(self) -> str:
        """Parameters as 'name=value' joined by spaces, e.g. 'p=2 q=2 r=1'."""
        return " ".join(f"{k}={v}" for k, v in self.parameters)


class Within(StrEnum):
    """Where `nearest_member` looks: the magic series only, or the whole family grid."""

    SERIES = "series"
    FAMILY = "family"


def _member(motif: Motif, n_atoms: int, **parameters: int) -> MotifMember:
    return MotifMember(motif=motif, parameters=tuple(parameters.items()), n_atoms=n_atoms)


def _check_shell_motif(motif: Motif | str) -> Motif:
    allowed = ", ".join(str(m) for m in SHELL_MOTIFS)
    if str(motif) not in {str(m) for m in SHELL_MOTIFS}:
        raise ParameterError(f"motif {str(motif)!r} has no shell series: allowed are {allowed}")
    return Motif(motif)


def _family(motif: Motif, max_atoms: int) -> Iterator[MotifMember]:
    if motif in (Motif.ICOSAHEDRON, Motif.CUBOCTAHEDRON):
        k = 1
        while (n := icosahedron_size(k)) <= max_atoms:
            yield _member(motif, n, n_shells=k)
            k += 1
    elif motif is Motif.OCTAHEDRON:
        length = 1
        while (n := octahedron_size(length)) <= max_atoms:
            yield _member(motif, n, length=length)
            length += 1
    elif motif is Motif.TRUNCATED_OCTAHEDRON:
        # smallest truncated octahedron of a given length has the deepest cut allowed
        length = 4
        while octahedron_size(length, (length - 2) // 2) <= max_atoms:
            for cutoff in range(1, (length - 2) // 2 + 1):
                if (n := octahedron_size(length, cutoff)) <= max_atoms:
                    yield _member(motif, n, length=length, cutoff=cutoff)
            length += 1
    else:  # decahedra: every (p, q, r) ASE builds; sizes grow with each of p, q, r
        ino = motif is Motif.INO_DECAHEDRON
        r_min, r_max = (0, 0) if ino else (1, None)  # Ino: r = 0; Marks: any r ≥ 1
        p = 2 if ino else 1  # (1, q, 0) is a row of atoms, not a decahedron
        while decahedron_size(p, 1, r_min) <= max_atoms:
            r = r_min
            while (r_max is None or r <= r_max) and decahedron_size(p, 1, r) <= max_atoms:
                q = 1
                while (n := decahedron_size(p, q, r)) <= max_atoms:
                    yield _member(motif, n, p=p, q=q, r=r)
                    q += 1
                r += 1
            p += 1


def _in_series(member: MotifMember) -> bool:
    par = member.parameter_dict
    if member.motif is Motif.TRUNCATED_OCTAHEDRON:
        return par["length"] == 3 * par["cutoff"] + 1
    if member.motif is Motif.INO_DECAHEDRON:
        return par["p"] == par["q"]
    if member.motif is Motif.MARKS_DECAHEDRON:
        return par["p"] == par["q"] == par["r"] + 1
    return True


def motif_family(motif: Motif | str, max_atoms: int) -> list[MotifMember]:
    """Every member of `motif`'s family with at most `max_atoms` atoms, by size then parameters."""
    motif = _check_shell_motif(motif)
    if int(max_atoms) != max_atoms or max_atoms < 1:
        raise ParameterError(f"max_atoms = {max_atoms!r}: must be an integer ≥ 1")
    check_atoms(max_atoms, f"max_atoms = {max_atoms}")
    return sorted(_family(motif, int(max_atoms)), key=lambda m: (m.n_atoms, m.parameters))


def magic_series(motif: Motif | str, max_atoms: int) -> list[MotifMember]:
    """The magic series of `motif` up to `max_atoms` atoms (see the module table)."""
    return [m for m in motif_family(motif, max_atoms) if _in_series(m)]


def nearest_member(
    motif: Motif | str, n_atoms: int, *, within: Within = Within.SERIES
) -> MotifMember:
    """The member of `motif`'s magic series (or whole family) whose size is closest to
    `n_atoms`; ties go to the smaller cluster."""
    if int(n_atoms) != n_atoms or n_atoms < 1:
        raise ParameterError(f"n_atoms = {n_atoms!r}: must be an integer ≥ 1")
    check_atoms(n_atoms, f"n_atoms = {n_atoms}")
    select = magic_series if Within(within) is Within.SERIES else motif_family
    # search far enough past n_atoms that the next member up is included
    limit = 2 * int(n_atoms) + 100
    candidates = select(motif, limit)
    while not candidates or candidates[-1].n_atoms < n_atoms:
        limit *= 2
        candidates = select(motif, limit)
    return min(candidates, key=lambda m: (abs(m.n_atoms - n_atoms), m.n_atoms))


def build_member(
    member: MotifMember,
    *,
    element: str = "Au",
    a0: float | None = None,
    vacuum: float = DEFAULT_VACUUM,
) -> Atoms:
    """Build the cluster a `MotifMember` describes."""
    par = member.parameter_dict
    if member.motif is Motif.ICOSAHEDRON:
        return build_icosahedron(par["n_shells"], element=element, a0=a0, vacuum=vacuum)
    if member.motif is Motif.CUBOCTAHEDRON:
        return build_cuboctahedron(par["n_shells"], element=element, a0=a0, vacuum=vacuum)
    if member.motif in (Motif.OCTAHEDRON, Motif.TRUNCATED_OCTAHEDRON):
        return build_octahedron(
            par["length"], par.get("cutoff", 0), element=element, a0=a0, vacuum=vacuum
        )
    return build_decahedron(par["p"], par["q"], par["r"], element=element, a0=a0, vacuum=vacuum)
