"""`aucluster.structures.geometry.place_apart`: random placement at a minimum distance, the
one loop behind the cloud's seeding and the slab's initial vapour."""

import numpy as np
import pytest

from aucluster.errors import ParameterError
from aucluster.structures.geometry import place_apart


def _distances(points, box=None):
    d = points[:, None, :] - points[None, :, :]
    if box is not None:
        d -= box * np.round(d / box)
    r = np.sqrt((d**2).sum(axis=-1))
    return r[np.triu_indices(len(points), 1)]


def test_every_pair_apart_across_periodic_images():
    box = np.array([12.0, 12.0, 12.0])
    rng = np.random.default_rng(1)
    existing = np.array([[0.5, 0.5, 0.5]])
    added = place_apart(
        existing, 12, lambda: rng.random(3) * box, min_separation_A=4.0, box=box, failure="x"
    )
    assert added.shape == (12, 3)
    together = np.vstack([existing, added])
    assert _distances(together, box).min() >= 4.0
    assert _distances(together).min() >= 4.0  # (minimum images are never farther)


def test_a_candidate_close_only_through_a_face_is_refused_in_a_periodic_box():
    box = np.array([12.0, 12.0, 12.0])
    existing = np.array([[0.5, 0.5, 0.5]])
    near_image = [11.5, 0.5, 0.5]  # 11 Å away in open space, 1 Å through the face
    for periodic, expected in ((box, [6.5, 6.5, 6.5]), (None, near_image)):
        candidates = iter([near_image, [6.5, 6.5, 6.5]])
        added = place_apart(
            existing,
            1,
            lambda c=candidates: next(c),
            min_separation_A=4.0,
            box=periodic,
            failure="x",
        )
        assert added.tolist() == [expected]


def test_refused_when_the_space_is_full():
    rng = np.random.default_rng(2)
    with pytest.raises(ParameterError, match="no room"):
        place_apart(
            np.zeros((0, 3)),
            30,
            lambda: rng.random(3) * 5.0,  # a 5 Å cube holds only a few points 4 Å apart
            min_separation_A=4.0,
            failure="no room",
        )
