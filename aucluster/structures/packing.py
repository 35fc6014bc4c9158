"""Random placement without overlaps: the shared machinery of the random builders.

Every random builder draws from a `numpy.random.Generator` made from its `seed`, so the same
seed gives the same structure, and guarantees a stated minimum distance between atoms.
"""

from collections.abc import Callable

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.transform import Rotation

from aucluster.errors import ParameterError


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    """Rotation matrix (3, 3) drawn uniformly from SO(3)."""
    return Rotation.random(random_state=rng).as_matrix()


def points_in_shell(
    n: int, inner_radius: float, outer_radius: float, rng: np.random.Generator
) -> np.ndarray:
    """`n` points (n, 3) uniform in volume between two spheres about the origin [Å]."""
    u = rng.random(n)
    r = np.cbrt(inner_radius**3 + u * (outer_radius**3 - inner_radius**3))
    direction = rng.normal(size=(n, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    return direction * r[:, None]


def first_come_mask(positions: np.ndarray, min_distance: float) -> np.ndarray:
    """Mask keeping each point unless an earlier kept point lies closer than `min_distance`.

    Points are taken in order, so the result is deterministic and no two kept points are
    closer than `min_distance` [Å].
    """
    keep = np.ones(len(positions), dtype=bool)
    if len(positions) < 2:
        return keep
    pairs = cKDTree(positions).query_pairs(min_distance, output_type="ndarray")
    # handled in order of the later point, so the fate of the earlier one is already settled
    for i, j in pairs[np.lexsort((pairs[:, 0], pairs[:, 1]))]:
        if keep[i]:
            keep[j] = False
    return keep


def random_sequential_addition(
    n: int,
    sample: Callable[[int], np.ndarray],
    min_distance: float,
    *,
    fixed: np.ndarray | None = None,
    max_stalled_batches: int = 25,
) -> np.ndarray:
    """Add `n` points drawn by `sample(k)` one by one, rejecting any closer than `min_distance`
    [Å] to a point already placed or to a `fixed` point.

    Raises `ParameterError` when the space is full (random sequential addition jams at a
    packing fraction of about 0.38 in 3-D).
    """
    fixed = np.empty((0, 3)) if fixed is None else np.asarray(fixed, dtype=float)
    placed = np.empty((0, 3))
    stalled = 0
    while len(placed) < n:
        missing = n - len(placed)
        cand = sample(max(64, 2 * missing))
        existing = np.vstack([fixed, placed])
        if len(existing):
            dist, _ = cKDTree(existing).query(cand, distance_upper_bound=min_distance)
            cand = cand[~np.isfinite(dist)]
        cand = cand[first_come_mask(cand, min_distance)][:missing]
        stalled = 0 if len(cand) else stalled + 1
        if stalled >= max_stalled_batches:
            raise ParameterError(
                f"could place only {len(placed)} of {n} atoms at least {min_distance:.2f} Å apart: "
                "the requested density is too high for the space given"
            )
        placed = np.vstack([placed, cand])
    return placed
