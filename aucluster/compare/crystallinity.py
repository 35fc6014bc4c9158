"""FFT crystallinity of a particle: lattice spots at the Au spacings, the fringe sets they
make, and the lattice orientations those sets index into.

The particle's region is cut out as a square box around its mask (padded to at least
`min_box` Å), the pixels outside a slightly dilated mask are set to the box's background, and
the box is Hann-windowed (`aucluster.imaging.diffractogram`). Spots are maxima of the power
spectrum `min_strength` times above the median of their ring and at least `min_relative` of
the strongest spot's strength (at high dose, the particle's facets and the box edge leave
weak streak maxima some 10³ times below the lattice spots), at a spacing within
`tolerance` of an Au lattice spacing (111 2.355 Å, 200 2.039 Å, 220 1.442 Å). A spot and its
centrosymmetric partner are one fringe set; sets closer than `merge_deg` in direction and of
the same family are one.

Fringe sets are not lattice orientations: a single fcc crystal in a low-index zone shows up to
four ([110]: 2 × 111 + 200 + 220), a [110] twin five to seven, and grains that each show one
set one apiece. `aucluster.compare.lattices.index_lattices` groups the sets into fcc zone-axis
lattices (the exact angles of each zone), recognises twins and five-fold stars and sets
graphene's hexagonal 2.13 Å sets aside. The verdict follows the paper on the lattice count —
polycrystalline when more than four lattice orientations show — and names what the spot
geometry shows below that: one lattice is crystalline, a [110] twin pair twinned, a five-fold
star or a chain of twins multiply twinned, two to four lattices not related by a twin
"several lattices"; no Au fringe set left is "no lattice".
"""

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from scipy import ndimage

from aucluster.compare.lattices import AU_SPACINGS, Indexing, Lattice, index_lattices
from aucluster.errors import ParameterError
from aucluster.imaging.diffractogram import Spot, diffractogram, find_spots
from aucluster.imaging.image import Image

#: More lattice orientations than this make a particle polycrystalline (the paper's criterion).
POLYCRYSTALLINE_ABOVE = 4


@dataclass(frozen=True, kw_only=True)
class FFTSettings:
    """tolerance: relative spacing tolerance; min_strength: spot power over its ring's median
    (at 149 e/Å² the lattice spots of a 2.5 nm crystal stand 70–430 above it, noise maxima
    below 10; weak off-zone reflections and facet streaks 10–15);
    min_relative: spot strength over the strongest spot's; merge_deg: fringe directions of one
    family closer than this are one set (distinct planes of one family in one crystal are
    ≥ 60° apart; off a zone axis one reflection's spot often splits into maxima 6–10° apart);
    min_box: smallest box [Å]; angle_tolerance_deg: how far a fringe direction may sit from
    its place in a zone pattern [deg] (`index_lattices`; the pairs of sets of single crystals
    in random orientations sit 1–7° off the zone angles, 0.1 Å pixels, 5 nm particles).
    docs/compare.md gives the sweep behind 8° and 5°."""

    tolerance: float = 0.05
    min_strength: float = 20.0
    min_relative: float = 0.01
    merge_deg: float = 8.0
    min_box: float = 40.0
    angle_tolerance_deg: float = 5.0

    def __post_init__(self) -> None:
        if not 0 < self.tolerance < 0.2:
            raise ParameterError(f"tolerance = {self.tolerance!r}: must lie in (0, 0.2)")
        if not self.min_strength > 1:
            raise ParameterError(f"min_strength = {self.min_strength!r}: must exceed 1")
        if not 0 < self.angle_tolerance_deg < 15:
            raise ParameterError(
                f"angle_tolerance_deg = {self.angle_tolerance_deg!r}: must lie in (0, 15)"
            )


@dataclass(frozen=True)
class FringeSet:
    """One lattice fringe set: family ('111', '200', '220'), spacing [Å], direction [deg,
    0–180], strength (spot power over ring median)."""

    family: str
    spacing: float
    direction_deg: float
    strength: float


class FFTVerdict(StrEnum):
    """What the FFT of a particle says (see the module notes)."""

    POLYCRYSTALLINE = "polycrystalline"  # more than four lattice orientations
    MULTIPLY_TWINNED = "multiply twinned"  # a five-fold star or a chain of twins
    TWINNED = "twinned"  # two lattices, mirror images across a shared {111}
    SEVERAL = "several lattices"  # two to four, not related by a twin
    CRYSTALLINE = "crystalline"  # one lattice
    NO_LATTICE = "no lattice"  # no Au fringe set
    NO_PARTICLE = "no particle"  # nothing segmented to take the FFT of


@dataclass(frozen=True)
class Crystallinity:
    """The Au fringe sets (graphene's set aside), how they index into lattices, and the
    graphene-like sets that were set aside."""

    fringes: list[FringeSet]
    indexing: Indexing = field(default_factory=lambda: Indexing(lattices=[]))
    graphene: list[FringeSet] = field(default_factory=list)

    @classmethod
    def from_sets(cls, sets: list[FringeSet], angle_tolerance_deg: float = 5.0) -> "Crystallinity":
        """Index `sets` and keep the graphene-like ones apart."""
        indexing = index_lattices(
            [f.family for f in sets],
            [f.spacing for f in sets],
            [f.direction_deg for f in sets],
            [f.strength for f in sets],
            angle_tolerance_deg=angle_tolerance_deg,
        )
        drop = set(indexing.graphene)
        keep = [i for i in range(len(sets)) if i not in drop]
        renumber = {old: new for new, old in enumerate(keep)}
        lattices = [
            Lattice(la.zone, la.rotation_deg, tuple(renumber[m] for m in la.members))
            for la in indexing.lattices
        ]
        return cls(
            fringes=[sets[i] for i in keep],
            indexing=Indexing(lattices, indexing.twins, indexing.five_fold, ()),
            graphene=[sets[i] for i in sorted(drop)],
        )

    @property
    def n_fringe_sets(self) -> int:
        return len(self.fringes)

    @property
    def n_lattice_orientations(self) -> int:
        return self.indexing.n_orientations

    @property
    def verdict(self) -> FFTVerdict:
        n = self.n_lattice_orientations
        if n == 0:
            return FFTVerdict.NO_LATTICE
        if self.indexing.multiply_twinned:
            return FFTVerdict.MULTIPLY_TWINNED
        if n > POLYCRYSTALLINE_ABOVE:
            return FFTVerdict.POLYCRYSTALLINE
        if self.indexing.twinned:
            return FFTVerdict.TWINNED
        return FFTVerdict.CRYSTALLINE if n == 1 else FFTVerdict.SEVERAL

    @property
    def strength(self) -> float:
        """Strongest spot's power over its ring median (0 without spots)."""
        return max((f.strength for f in self.fringes), default=0.0)


def resolves_lattice(image: Image, settings: FFTSettings | None = None) -> bool:
    """Whether the pixel is fine enough for the widest Au fringes (Nyquist: pixel ≤ d/2)."""
    s = FFTSettings() if settings is None else settings
    d_max = max(AU_SPACINGS.values()) * (1 + s.tolerance)
    return max(image.pixel_size_yx) < d_max / 2.0


def _family(spot: Spot, tolerance: float) -> str | None:
    for name, d in AU_SPACINGS.items():
        if abs(spot.spacing - d) <= tolerance * d:
            return name
    return None


def fringe_sets(image: Image, settings: FFTSettings | None = None) -> Crystallinity:
    """Fringe sets in the diffractogram of a whole frame (or a cut-out box)."""
    s = FFTSettings() if settings is None else settings
    d_min = min(AU_SPACINGS.values()) * (1 - s.tolerance)
    d_max = max(AU_SPACINGS.values()) * (1 + s.tolerance)
    nyquist = 1.0 / (2.0 * max(image.pixel_size_yx))
    k_max = min(1.0 / d_min, nyquist * 0.999)
    if 1.0 / d_max >= k_max:
        raise ParameterError(
            f"pixel size {max(image.pixel_size_yx):.3f} Å cannot show Au lattice fringes "
            f"(≥ {d_max:.2f} Å needs pixels ≤ {d_max / 2:.2f} Å)"
        )
    spots = find_spots(
        diffractogram(image),
        k_min=1.0 / d_max,
        k_max=k_max,
        min_strength=s.min_strength,
        max_spots=64,
    )
    sets: list[FringeSet] = []
    families = [(spot, _family(spot, s.tolerance)) for spot in spots]
    lattice = [(spot, family) for spot, family in families if family is not None]
    strongest = max((spot.strength for spot, _ in lattice), default=0.0)
    for spot, family in lattice:
        if spot.strength < s.min_relative * strongest:
            continue
        direction = spot.angle_deg % 180.0
        duplicate = any(
            f.family == family
            and min(abs(f.direction_deg - direction), 180 - abs(f.direction_deg - direction))
            < s.merge_deg
            for f in sets
        )
        if not duplicate:
            sets.append(FringeSet(family, spot.spacing, direction, spot.strength))
    return Crystallinity.from_sets(sets, s.angle_tolerance_deg)


def particle_crystallinity(
    image: Image, mask: np.ndarray, settings: FFTSettings | None = None
) -> Crystallinity:
    """Fringe sets of one particle: its mask's bounding box (at least `min_box` Å, square),
    outside the dilated mask filled with the box median (module docstring)."""
    s = FFTSettings() if settings is None else settings
    if image.is_movie:
        raise ParameterError("particle_crystallinity takes one frame")
    if not mask.any():
        raise ParameterError("empty particle mask: no particle in this frame")
    data = np.asarray(image.data, dtype=float)
    dy, dx = image.pixel_size_yx
    rows, cols = np.nonzero(mask)
    size_px = int(max(np.ptp(rows) + 1, np.ptp(cols) + 1, np.ceil(s.min_box / min(dy, dx))))
    size_px = min(size_px + size_px % 2, min(data.shape))
    r0 = int(np.clip((rows.min() + rows.max()) // 2 - size_px // 2, 0, data.shape[0] - size_px))
    c0 = int(np.clip((cols.min() + cols.max()) // 2 - size_px // 2, 0, data.shape[1] - size_px))
    box = data[r0 : r0 + size_px, c0 : c0 + size_px].copy()
    inside = ndimage.binary_dilation(mask, iterations=2)[r0 : r0 + size_px, c0 : c0 + size_px]
    box[~inside] = np.median(box[~inside]) if (~inside).any() else box.mean()
    cut = Image(box, pixel_size=image.pixel_size, unit=image.unit, pixel_size_y=image.pixel_size_y)
    return fringe_sets(cut, s)


@dataclass(frozen=True)
class FringeMap:
    """Local FFT map: window centres (x, y) [Å] and, per window, the direction [deg, 0–180] and
    strength of its strongest Au fringe set (NaN / 0 where none) and its number of sets."""

    x: np.ndarray
    y: np.ndarray
    direction_deg: np.ndarray
    strength: np.ndarray
    n_sets: np.ndarray


def local_fringe_map(
    image: Image, *, window: float = 25.0, step: float = 12.5, settings: FFTSettings | None = None
) -> FringeMap:
    """Fringe sets in square windows of `window` Å every `step` Å across one frame: where the
    lattice runs which way (grains of a polycrystal show as patches of different direction)."""
    if image.is_movie:
        raise ParameterError("local_fringe_map takes one frame")
    if not 0 < step <= window:
        raise ParameterError(f"step {step!r} Å: must lie in (0, window = {window!r} Å]")
    s = FFTSettings() if settings is None else settings
    data = np.asarray(image.data, dtype=float)
    dy, dx = image.pixel_size_yx
    wy, wx = round(window / dy), round(window / dx)
    if wy < 16 or wx < 16 or wy > data.shape[0] or wx > data.shape[1]:
        raise ParameterError(
            f"window {window!r} Å is {wy} × {wx} pixels: it needs ≥ 16 pixels and must fit "
            f"in the {data.shape[0]} × {data.shape[1]} frame"
        )
    rows = np.arange(0, data.shape[0] - wy + 1, max(1, round(step / dy)))
    cols = np.arange(0, data.shape[1] - wx + 1, max(1, round(step / dx)))
    direction = np.full((len(rows), len(cols)), np.nan)
    strength = np.zeros((len(rows), len(cols)))
    n_sets = np.zeros((len(rows), len(cols)), dtype=int)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            cut = Image(
                data[r : r + wy, c : c + wx],
                image.pixel_size,
                image.unit,
                pixel_size_y=image.pixel_size_y,
            )
            found = fringe_sets(cut, s)
            n_sets[i, j] = found.n_fringe_sets
            if found.fringes:
                best = max(found.fringes, key=lambda f: f.strength)
                direction[i, j], strength[i, j] = best.direction_deg, best.strength
    return FringeMap((cols + wx / 2) * dx, (rows + wy / 2) * dy, direction, strength, n_sets)
