"""Side by side with abTEM (PRISM, frozen phonons): needs the abtem extra; ~1 minute.

Run with `python -m pytest -m validation tests/imaging`. The full comparison on a 2 nm particle
(on and off a zone axis) is `bench/adf_vs_abtem.py`; its numbers are in docs/imaging.md.
"""

import numpy as np
import pytest

from aucluster.imaging import (
    BackgroundSettings,
    ImagingSettings,
    ScanSettings,
    orientation_rotation,
    oriented,
    simulate_adf,
)
from aucluster.structures import build_cuboctahedron

# DESIGN.md (side-by-side runs on 2 nm Au): r ≈ 0.94 without source blur, ≥ 0.95 targeted
# with a realistic source; total intensity within a few percent off axis, ~20 % high on axis.
PEARSON_MIN = 0.95
TOTAL_RATIO_OFF_AXIS = (0.85, 1.15)


@pytest.mark.validation
def test_incoherent_model_matches_abtem_prism_off_axis():
    from aucluster.imaging.abtem_backend import simulate_adf_abtem

    atoms = oriented(build_cuboctahedron(3), orientation_rotation(seed=3))  # 55 atoms
    settings = ImagingSettings(
        scan=ScanSettings(pixel_size_A=0.25, shape_px=(64, 64)),
        background=BackgroundSettings(water_thickness=0.0, graphene_layers=0),
    )
    ours = simulate_adf(atoms, settings, background=False).data
    theirs = simulate_adf_abtem(atoms, settings, n_phonons=4).data
    r = np.corrcoef(ours.ravel(), theirs.ravel())[0, 1]
    assert r >= PEARSON_MIN
    low, high = TOTAL_RATIO_OFF_AXIS
    assert low < ours.sum() / theirs.sum() < high
