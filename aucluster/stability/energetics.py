"""Excess energy Δ, second difference Δ2E, lowest motif per size, and crossover sizes.

Δ(N) = (E(N) − N·ε_bulk) / N^(2/3) [eV] measures the energy cost of a cluster over the same
number of bulk atoms per surface atom (Baletto & Ferrando, Rev. Mod. Phys. 77, 371 (2005),
Eq. 1). A perfect fcc polyhedron has Δ ≈ constant (surface energy only); multiply twinned
motifs add a volume strain ∝ N, so their Δ rises ∝ N^(1/3). Hence the usual analysis: fit Δ
against N^(1/3) per structural class and read the crossover sizes where the fitted lines
cross (Baletto et al., J. Chem. Phys. 116, 3856 (2002)).

Δ2E(N) = E(N+1) + E(N−1) − 2E(N) [eV], defined where the table has the sizes N−1, N, N+1
(lowest energy at each size); a peak marks a size more stable than its neighbours.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from aucluster.errors import ParameterError

#: Half-width in N^(1/3) of the window within which an envelope point must be lowest.
ENVELOPE_WINDOW = 0.25
#: Smallest size in the class fits [atoms]: below ~100 atoms edges and vertices dominate Δ and
#: the linear form in N^(1/3) does not hold.
FIT_MIN_ATOMS = 100


def excess_energy(energy_eV: float, n_atoms: int, bulk_energy_per_atom_eV: float) -> float:
    """Δ = (E − N·ε_bulk)/N^(2/3) [eV]."""
    if n_atoms < 1:
        raise ParameterError(f"n_atoms = {n_atoms!r}: must be ≥ 1")
    return (energy_eV - n_atoms * bulk_energy_per_atom_eV) / n_atoms ** (2.0 / 3.0)


def lowest_per_size(n_atoms: Sequence[int], energies: Sequence[float]) -> dict[int, int]:
    """For each size, the index of the lowest-energy row."""
    best: dict[int, int] = {}
    for i, (n, e) in enumerate(zip(n_atoms, energies, strict=True)):
        if n not in best or e < energies[best[n]]:
            best[int(n)] = i
    return dict(sorted(best.items()))


def second_difference(n_atoms: Sequence[int], energies: Sequence[float]) -> dict[int, float]:
    """Δ2E(N) [eV] from the lowest energy per size, for every N whose neighbours N ± 1 exist."""
    best = {n: energies[i] for n, i in lowest_per_size(n_atoms, energies).items()}
    return {
        n: best[n + 1] + best[n - 1] - 2 * best[n] for n in best if {n - 1, n + 1} <= best.keys()
    }


def envelope(n_atoms: Sequence[int], delta: Sequence[float]) -> np.ndarray:
    """Indices of the lower envelope of one class: points with the lowest Δ among the class's
    points within ±`ENVELOPE_WINDOW` in N^(1/3) (the optimal shapes, not elongated or badly
    truncated members)."""
    x = np.asarray(n_atoms, dtype=float) ** (1.0 / 3.0)
    d = np.asarray(delta, dtype=float)
    keep = [i for i in range(len(x)) if d[i] <= d[np.abs(x - x[i]) <= ENVELOPE_WINDOW].min()]
    return np.asarray(keep, dtype=int)


@dataclass(frozen=True, kw_only=True)
class LinearFit:
    """Δ ≈ intercept + slope · N^(1/3) over the envelope of one class."""

    name: str
    intercept_eV: float
    slope_eV: float
    n_points: int
    x_range: tuple[float, float]

    def __call__(self, x):
        return self.intercept_eV + self.slope_eV * np.asarray(x)


@dataclass(frozen=True, kw_only=True)
class Crossover:
    """Where two classes' fitted Δ lines cross: `below` is favoured for N < n_atoms."""

    below: str
    above: str
    n_atoms: float
    extrapolated: bool
    #: No third class's fit lies below the two at the crossing: the lowest class changes here.
    lowest: bool


def fit_class(
    name: str, n_atoms: Sequence[int], delta: Sequence[float], *, min_atoms: int = FIT_MIN_ATOMS
) -> LinearFit | None:
    """Least-squares line through the class's envelope points with N ≥ `min_atoms`; None with
    fewer than two such points."""
    idx = envelope(n_atoms, delta)
    idx = idx[np.asarray(n_atoms)[idx] >= min_atoms] if len(idx) else idx
    if len(idx) < 2:
        return None
    x = np.asarray(n_atoms, dtype=float)[idx] ** (1.0 / 3.0)
    if np.ptp(x) == 0:
        return None
    slope, intercept = np.polyfit(x, np.asarray(delta, dtype=float)[idx], 1)
    return LinearFit(
        name=name,
        intercept_eV=float(intercept),
        slope_eV=float(slope),
        n_points=len(idx),
        x_range=(float(x.min()), float(x.max())),
    )


def crossovers(fits: Sequence[LinearFit], *, min_atoms: float = 1.0) -> list[Crossover]:
    """Every crossing N* = x*³ (x* > 0) of two fitted lines, by size. `extrapolated` when x*
    lies outside either fit's range of data; `lowest` when the two are the lowest fits there
    (the crossover a reader means: where the best class changes). Crossings below
    `min_atoms` are dropped: they only say which class is lower at every size."""
    result = []
    for a, b in combinations(fits, 2):
        if a.slope_eV == b.slope_eV:
            continue
        x = (b.intercept_eV - a.intercept_eV) / (a.slope_eV - b.slope_eV)
        if x <= 0 or x**3 < min_atoms:
            continue
        # below the crossing the class with the larger slope is lower
        below, above = (a, b) if a.slope_eV > b.slope_eV else (b, a)
        inside = all(f.x_range[0] <= x <= f.x_range[1] for f in (a, b))
        lowest = all(float(f(x)) >= float(a(x)) for f in fits if f not in (a, b))
        result.append(
            Crossover(
                below=below.name,
                above=above.name,
                n_atoms=float(x**3),
                extrapolated=not inside,
                lowest=lowest,
            )
        )
    return sorted(result, key=lambda c: c.n_atoms)
