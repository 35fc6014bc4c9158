"""Fringe sets grouped into lattice orientations: fcc zone-axis patterns, twins, five-fold
stars, and graphene's hexagonal sets set aside.

A fringe set (a spot and its centrosymmetric partner) is one direction of one family of Au
planes. A crystal seen along a low-index zone axis [uvw] shows every reflection g with
g · [uvw] = 0, at fixed angles to each other: the angle between the projected g directions
is the angle between the 3D plane normals, since both lie in the plane normal to the beam.
`ZONE_PATTERNS` holds those directions for the families the FFT looks at ({111}, {200},
{220}), computed from the Miller indices (exact geometry, no fitted numbers):

- [100]: 2 × {200} at 90°, 2 × {220} at 45° to them;
- [110]: 2 × {111} at 70.53°, one {200} and one {220} at 54.74° / 35.26° to the {111};
- [111]: 3 × {220} at 60°;
- [112]: one {111} and one {220} at 90°.

`index_lattices` covers the fringe sets with as few lattices as it can: every pair of sets
that fits a zone pattern (families and angle within `angle_tolerance_deg`) fixes the pattern's
in-plane rotation; the candidate lattice is then every set that pattern, so rotated, explains.
The candidate explaining most still-unexplained sets is taken first (ties: the larger total
spot strength), until every set left explains only itself; a set no pattern pairs with is one
orientation of its own, zone unknown.

Twins: an fcc twin on a {111} plane, viewed along a common [110], is two [110] lattices that
share that {111} set and are mirror images across it. Two [110] lattices sharing a {111}
direction can only be that (the [110] pattern holds the shared direction at one of its two
{111} places, and the other choice is the mirror), so sharing is the test. A decahedron on
its five-fold axis shows five [110] domains twinned in a ring: their {111} traces, and each
domain's {220}, run every 36° (a 7.35° gap closes the ring, 5 × 70.53° = 352.6°); four or
more sets of one family on one 36° star, holding at least half of that family's sets (on
the five-fold axis at 10⁵ e/Å² the {220} sets show the star most), are read as that, and so
are three or more lattices chained by twins.

Graphene: the (10-10) spacing of graphene, a·√3/2 = 2.13 Å with a = 2.46 Å, falls inside the
±5 % window of Au {200} (2.039 Å); its (11-20) 1.23 Å spots fall outside every Au window. No
Au zone shows two {200} sets at 60° (the three {200} normals are orthogonal, so two in one
zone plane are 90° apart), while graphene shows three at 60°: {200}-window sets 60° from
another are set aside as graphene, and with them any lone {200}-window set nearer 2.13 Å than
2.039 Å that no Au lattice explains.
"""

from dataclasses import dataclass, field
from itertools import combinations, permutations, product

import numpy as np

#: Au lattice constant [Å] at room temperature (Wyckoff, Crystal Structures) and the
#: lattice-plane spacings d_hkl = a0/√(h² + k² + l²) of the families the FFT looks at.
AU_A0 = 4.078
AU_SPACINGS = {
    "111": AU_A0 / np.sqrt(3.0),
    "200": AU_A0 / 2.0,
    "220": AU_A0 / np.sqrt(8.0),
}
#: The families, as representative Miller indices.
FAMILIES = {"111": (1, 1, 1), "200": (2, 0, 0), "220": (2, 2, 0)}
#: Graphene (10-10) spacing [Å]: a·√3/2 with a = 2.46 Å (graphite's in-plane lattice
#: constant, Wyckoff, Crystal Structures).
GRAPHENE_SPACING = 2.46 * np.sqrt(3.0) / 2.0


def _family_members(name: str) -> list[np.ndarray]:
    """Every plane normal of the family, one per ± pair."""
    base = FAMILIES[name]
    members: set[tuple[int, ...]] = set()
    for perm in set(permutations(base)):
        for signs in product((1, -1), repeat=3):
            g = tuple(s * p for s, p in zip(signs, perm, strict=True))
            if tuple(-x for x in g) not in members:
                members.add(g)
    return [np.array(g, dtype=float) for g in sorted(members)]


def _zone_pattern(zone: tuple[int, int, int]) -> tuple[tuple[str, float], ...]:
    """(family, direction [deg, 0–180]) of every fringe set of the zone, the first at 0°."""
    axis = np.array(zone, dtype=float)
    axis /= np.linalg.norm(axis)
    found = [
        (name, g) for name in FAMILIES for g in _family_members(name) if abs(np.dot(g, axis)) < 1e-9
    ]
    # an in-plane basis: the first reflection and axis × it
    e1 = found[0][1] / np.linalg.norm(found[0][1])
    e2 = np.cross(axis, e1)
    pattern = []
    for name, g in found:
        angle = np.degrees(np.arctan2(np.dot(g, e2), np.dot(g, e1))) % 180.0
        pattern.append((name, round(float(angle), 6) % 180.0))
    return tuple(sorted(pattern, key=lambda p: (p[1], p[0])))


#: Fringe sets of an fcc crystal on each low-index zone axis (module notes).
ZONES = ((1, 0, 0), (1, 1, 0), (1, 1, 1), (1, 1, 2))
ZONE_PATTERNS = {"".join(map(str, z)): _zone_pattern(z) for z in ZONES}


def angle_between(a: float, b: float) -> float:
    """Angle between two fringe directions [deg, 0–90]."""
    d = abs(a - b) % 180.0
    return min(d, 180.0 - d)


@dataclass(frozen=True)
class Lattice:
    """One lattice orientation: its zone ('100', '110', '111', '112', or '' when one set alone
    cannot say), the in-plane rotation of the zone pattern [deg, 0–180] and the indices of the
    fringe sets it explains (shared sets of a twin appear in both)."""

    zone: str
    rotation_deg: float
    members: tuple[int, ...]


@dataclass(frozen=True)
class Indexing:
    """Lattices found, the twin pairs among them (indices into `lattices`), whether a
    five-fold star was seen, and the fringe sets set aside as graphene."""

    lattices: list[Lattice]
    twins: list[tuple[int, int]] = field(default_factory=list)
    five_fold: bool = False
    graphene: tuple[int, ...] = ()

    @property
    def n_orientations(self) -> int:
        return len(self.lattices)

    @property
    def multiply_twinned(self) -> bool:
        """A five-fold star, or three or more lattices chained by twins."""
        if self.five_fold:
            return True
        if len(self.twins) < 2:
            return False
        linked = {i for pair in self.twins for i in pair}
        return len(linked) >= 3 and _connected(linked, self.twins)

    @property
    def twinned(self) -> bool:
        """Every lattice belongs to one twin pair: two lattices, mirror images across a
        shared {111}."""
        return len(self.lattices) == 2 and len(self.twins) == 1


def _connected(nodes: set[int], edges: list[tuple[int, int]]) -> bool:
    start = next(iter(nodes))
    seen, todo = {start}, [start]
    while todo:
        n = todo.pop()
        for a, b in edges:
            for x, y in ((a, b), (b, a)):
                if x == n and y not in seen:
                    seen.add(y)
                    todo.append(y)
    return seen == nodes


def _explained(
    families: list[str], directions: np.ndarray, zone: str, rotation: float, tol: float
) -> tuple[int, ...]:
    members = []
    for i, (family, direction) in enumerate(zip(families, directions, strict=True)):
        if any(
            f == family and angle_between(direction, (a + rotation) % 180.0) <= tol
            for f, a in ZONE_PATTERNS[zone]
        ):
            members.append(i)
    return tuple(members)


def _candidates(families: list[str], directions: np.ndarray, tol: float) -> list[Lattice]:
    found: dict[tuple[str, tuple[int, ...]], Lattice] = {}
    for i, j in combinations(range(len(families)), 2):
        for zone, pattern in ZONE_PATTERNS.items():
            for (fa, a), (fb, b) in product(pattern, repeat=2):
                if (fa, a) == (fb, b) or fa != families[i] or fb != families[j]:
                    continue
                if abs(angle_between(a, b) - angle_between(directions[i], directions[j])) > tol:
                    continue
                rotation = (directions[i] - a) % 180.0
                if angle_between((b + rotation) % 180.0, directions[j]) > tol:
                    continue
                members = _explained(families, directions, zone, rotation, tol)
                key = (zone, members)
                if len(members) >= 2 and key not in found:
                    found[key] = Lattice(zone, float(rotation), members)
    return list(found.values())


def graphene_sets(families: list[str], directions: np.ndarray, tol: float) -> tuple[int, ...]:
    """Fringe sets in the Au {200} window 60° from another such set (graphene's hexagon;
    no Au zone has two {200} sets at 60°)."""
    in_200 = [i for i, f in enumerate(families) if f == "200"]
    hexagonal = {
        k
        for i, j in combinations(in_200, 2)
        if abs(angle_between(directions[i], directions[j]) - 60.0) <= tol
        for k in (i, j)
    }
    return tuple(sorted(hexagonal))


def index_lattices(
    families: list[str],
    spacings: list[float] | np.ndarray,
    directions: list[float] | np.ndarray,
    strengths: list[float] | np.ndarray,
    *,
    angle_tolerance_deg: float = 5.0,
) -> Indexing:
    """Group fringe sets (family, spacing [Å], direction [deg], strength) into lattices
    (module notes)."""
    spacings = np.asarray(spacings, dtype=float)
    directions = np.asarray(directions, dtype=float) % 180.0
    strengths = np.asarray(strengths, dtype=float)
    tol = float(angle_tolerance_deg)
    hexagonal = graphene_sets(families, directions, tol)
    keep = [i for i in range(len(families)) if i not in hexagonal]
    sub_f = [families[i] for i in keep]
    sub_d = directions[keep]
    candidates = _candidates(sub_f, sub_d, tol)
    unexplained = set(range(len(keep)))
    chosen: list[Lattice] = []
    while True:
        scored = [
            (
                len(unexplained.intersection(c.members)),
                strengths[[keep[m] for m in c.members]].sum(),
                c,
            )
            for c in candidates
        ]
        scored = [s for s in scored if s[0] >= 2]
        if not scored:
            break
        # most sets explained, then strongest, then the zone whose whole pattern is seen
        _, _, best = max(scored, key=lambda s: (s[0], s[1], -len(ZONE_PATTERNS[s[2].zone])))
        chosen.append(best)
        unexplained -= set(best.members)
    graphene = set(hexagonal)
    for i in sorted(unexplained):
        full = keep[i]
        near_graphene = abs(spacings[full] - GRAPHENE_SPACING) < abs(
            spacings[full] - AU_SPACINGS["200"]
        )
        if hexagonal and families[full] == "200" and near_graphene:
            graphene.add(full)
        else:
            chosen.append(Lattice("", float(directions[full]), (i,)))
    lattices = [Lattice(c.zone, c.rotation_deg, tuple(keep[m] for m in c.members)) for c in chosen]
    twins = [
        (a, b)
        for (a, la), (b, lb) in combinations(enumerate(lattices), 2)
        if la.zone == lb.zone == "110"
        and any(families[m] == "111" and m in lb.members for m in la.members)
        and angle_between(la.rotation_deg, lb.rotation_deg) > tol
    ]
    return Indexing(
        lattices=lattices,
        twins=twins,
        five_fold=_five_fold(families, directions, graphene, tol),
        graphene=tuple(sorted(graphene)),
    )


def _five_fold(families: list[str], directions: np.ndarray, skip: set[int], tol: float) -> bool:
    """Four or more sets of one family whose directions sit on one star of 36° spokes, the
    star holding at least half of that family's sets (among the 15 sets of five misoriented
    grains, four fall on some 36° star by chance)."""
    for family in FAMILIES:
        d = np.array(
            [directions[i] for i, f in enumerate(families) if f == family and i not in skip]
        )
        for origin in d if len(d) >= 4 else ():
            offsets = (d - origin) % 36.0
            on_star = np.minimum(offsets, 36.0 - offsets) <= tol
            spokes = {round(((x - origin) % 180.0) / 36.0) % 5 for x in d[on_star]}
            if len(spokes) >= 4 and 2 * on_star.sum() >= len(d):
                return True
    return False
