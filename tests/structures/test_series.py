"""Closed-form sizes against the builders and against published magic numbers."""

import numpy as np
import pytest

from aucluster.errors import ParameterError
from aucluster.structures import (
    Motif,
    build_decahedron,
    build_member,
    build_octahedron,
    decahedron_size,
    icosahedron_size,
    magic_series,
    motif_family,
    nearest_member,
    octahedron_size,
)

#: Complete regular decahedra, Martin, Phys. Rep. 273, 199 (1996), eq. (3); OEIS A004068.
REGULAR_DECAHEDRA = {2: 7, 3: 23, 4: 54, 5: 105, 6: 181}
#: Ino decahedra with p = q have the Mackay numbers (Ino, J. Phys. Soc. Jpn. 27, 941 (1969)).
MACKAY_NUMBERS = (13, 55, 147, 309, 561, 923)
#: Marks decahedra of 75, 101, 146 and 192 atoms (Doye, Wales & Berry, J. Chem. Phys. 103,
#: 4234 (1995); Baletto & Ferrando, Rev. Mod. Phys. 77, 371 (2005)), in ASE's (p, q, r).
MARKS_DECAHEDRA = {(2, 2, 1): 75, (2, 3, 1): 101, (3, 2, 1): 146, (3, 3, 1): 192}
#: Regular octahedra 1, 6, 19, 44, 85, 146, 231 (OEIS A005900, octahedral numbers).
OCTAHEDRAL_NUMBERS = (1, 6, 19, 44, 85, 146, 231)
#: Truncated octahedra of the fcc family: 38, 79, 116, 140, 201 (Baletto & Ferrando 2005) and
#: the regular (equal-edge) series 38, 201, 586 (OEIS A005902 … 16k³+15k²+6k+1).
TRUNCATED_OCTAHEDRA_FAMILY_START = (38, 79, 116, 140, 201)
REGULAR_TRUNCATED_OCTAHEDRA = (38, 201, 586)


@pytest.mark.parametrize(
    ("p", "q", "r"),
    [(p, q, r) for p in range(2, 6) for q in range(1, 5) for r in range(p)],
)
def test_decahedron_formula_matches_builder(p, q, r):
    assert len(build_decahedron(p, q, r)) == decahedron_size(p, q, r)


@pytest.mark.parametrize("length", range(1, 9))
def test_octahedron_formula_matches_builder(length):
    for cutoff in range((length - 1) // 2 + 1):
        assert len(build_octahedron(length, cutoff)) == octahedron_size(length, cutoff)


@pytest.mark.parametrize(("p", "n_atoms"), list(REGULAR_DECAHEDRA.items()))
def test_regular_decahedra_published(p, n_atoms):
    assert decahedron_size(p, 1, 0) == n_atoms == (5 * p**3 + p) // 6


@pytest.mark.parametrize(("pqr", "n_atoms"), list(MARKS_DECAHEDRA.items()))
def test_marks_decahedra_published(pqr, n_atoms):
    assert len(build_decahedron(*pqr)) == n_atoms


def test_magic_series_numbers():
    def sizes(motif, n):
        return tuple(m.n_atoms for m in magic_series(motif, n))

    assert sizes(Motif.ICOSAHEDRON, 1000) == (1, *MACKAY_NUMBERS)
    assert sizes(Motif.CUBOCTAHEDRON, 1000) == (1, *MACKAY_NUMBERS)
    assert sizes(Motif.INO_DECAHEDRON, 1000) == MACKAY_NUMBERS
    assert sizes(Motif.OCTAHEDRON, 231) == OCTAHEDRAL_NUMBERS
    assert sizes(Motif.TRUNCATED_OCTAHEDRON, 600) == REGULAR_TRUNCATED_OCTAHEDRA
    assert sizes(Motif.MARKS_DECAHEDRON, 1000)[0] == MARKS_DECAHEDRA[(2, 2, 1)]
    assert [icosahedron_size(k) for k in range(1, 8)] == [1, *MACKAY_NUMBERS]


def test_truncated_octahedron_family():
    family = [m.n_atoms for m in motif_family(Motif.TRUNCATED_OCTAHEDRON, 201)]
    assert tuple(family[:5]) == TRUNCATED_OCTAHEDRA_FAMILY_START


@pytest.mark.parametrize(
    "motif",
    [Motif.INO_DECAHEDRON, Motif.MARKS_DECAHEDRON, Motif.TRUNCATED_OCTAHEDRON, Motif.ICOSAHEDRON],
)
def test_family_members_build_to_their_stated_size(motif):
    family = motif_family(motif, 400)
    assert family, "family must not be empty below 400 atoms"
    assert all(m.n_atoms <= 400 for m in family)
    assert [m.n_atoms for m in family] == sorted(m.n_atoms for m in family)
    for member in family:
        atoms = build_member(member)
        assert len(atoms) == member.n_atoms
        assert atoms.info["motif"] == str(motif)


def _ase_decahedra(max_atoms: int) -> dict[tuple[int, int, int], int]:
    """Every (p, q, r) ASE's `Decahedron` accepts, with 13 ≤ N ≤ max_atoms, counted by
    building: adding a layer (q), a re-entrance step (r) or a facet row (p) adds atoms, so each
    loop stops at the first structure that is too large."""
    from ase.cluster import Decahedron

    found = {}
    p = 1
    while p == 1 or len(Decahedron("Au", p, 1, 0)) <= max_atoms:
        r = 1 if p == 1 else 0  # (1, q, 0): a row of q atoms on the axis, no decahedron
        while (n := len(Decahedron("Au", p, 1, r))) <= max_atoms:
            q = 1
            while n <= max_atoms:
                if n >= 13:
                    found[(p, q, r)] = n
                q += 1
                n = len(Decahedron("Au", p, q, r))
            r += 1
        p += 1
    return found


def test_decahedral_families_hold_every_structure_ase_builds():
    """Ino (r = 0) and Marks (r ≥ 1, r ≥ p included: e.g. the compact (2, 3, 3) of 550 atoms)
    together are ASE's whole grid, each with ASE's atom count."""
    family = {
        tuple(v for _, v in m.parameters): m.n_atoms
        for motif in (Motif.INO_DECAHEDRON, Motif.MARKS_DECAHEDRON)
        for m in motif_family(motif, 600)
        if m.n_atoms >= 13
    }
    assert family == _ase_decahedra(600)
    assert family[(2, 3, 3)] == 550


def test_no_two_decahedra_of_the_grid_are_one_structure():
    """No (p, q, r) duplicates another's structure: compared by the sorted distances from the
    centre and the inertia tensor's eigenvalues (invariant under rotation and translation)."""
    seen = {}
    for motif in (Motif.INO_DECAHEDRON, Motif.MARKS_DECAHEDRON):
        for m in motif_family(motif, 600):
            x = build_member(m).positions
            x = x - x.mean(axis=0)
            key = (
                m.n_atoms,
                tuple(np.round(np.sort(np.linalg.norm(x, axis=1)), 3)),
                tuple(np.round(np.linalg.eigvalsh(x.T @ x), 1)),
            )
            assert key not in seen, (m.parameters, seen.get(key))
            seen[key] = m.parameters


def test_nearest_member():
    assert nearest_member(Motif.ICOSAHEDRON, 140).n_atoms == 147
    assert nearest_member(Motif.ICOSAHEDRON, 100).n_atoms == 55  # 55 is 45 away, 147 is 47
    assert nearest_member(Motif.ICOSAHEDRON, 5000).n_atoms == 5083  # 12 shells
    assert nearest_member(Motif.TRUNCATED_OCTAHEDRON, 80, within="family").n_atoms == 79
    assert nearest_member(Motif.TRUNCATED_OCTAHEDRON, 80).n_atoms == 38


def test_nearest_member_ties_go_to_the_smaller():
    # 13 and 55 are both 21 away from 34
    assert nearest_member(Motif.ICOSAHEDRON, 34).n_atoms == 13


@pytest.mark.parametrize(
    "call",
    [
        lambda: magic_series("tetrahedron", 100),
        lambda: magic_series(Motif.POLYCRYSTAL, 100),
        lambda: motif_family(Motif.ICOSAHEDRON, 0),
        lambda: nearest_member(Motif.ICOSAHEDRON, -5),
    ],
)
def test_series_errors(call):
    with pytest.raises(ParameterError):
        call()
