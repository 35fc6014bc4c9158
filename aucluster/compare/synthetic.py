"""Synthetic crowded frames with known answers, for testing segmentation settings before they
meet real data: thick particles covering most of the field, a liquid-thickness gradient,
Poisson noise, and one isolated Au particle whose noise-free image gives its true size.

Real liquid-cell frames are often like this (the isolated ~3 nm particle among thicker
neighbours of issue 19); the frame's median there is particle, not background.

`graphene_bilayer` is the liquid cell's window alone, two graphene layers with a twist: its
(10-10) spacing, 2.13 Å, falls inside the Au(200) window of the FFT.
"""

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.build import graphene
from scipy import ndimage
from scipy.spatial.transform import Rotation

from aucluster.imaging import (
    AcquisitionSettings,
    Image,
    ImagingSettings,
    ScanSettings,
    acquire,
    oriented,
    simulate_adf,
    zone_axis_rotation,
)
from aucluster.structures import build_octahedron


@dataclass(frozen=True)
class CrowdedFrame:
    """`frame` (counts); in the same counts and shape, noise-free: `isolated` the isolated
    particle alone, `background` the gradient, `thick` the thick particles; `centre` (x, y)
    [Å] of the isolated particle."""

    frame: Image
    isolated: np.ndarray
    background: np.ndarray
    thick: np.ndarray
    centre: tuple[float, float]


def crowded_frame(
    coverage: float,
    *,
    seed: int,
    dose_e_per_A2: float = 5e3,
    pixel_size_A: float = 0.2,
    shape_px: int = 640,
    gradient: tuple[float, float] = (0.05, 0.25),
    clearance_A: float = 30.0,
) -> CrowdedFrame:
    """A `shape_px`² frame: the 976-atom 12-4 truncated octahedron (~2.8 nm) on [110] at the
    centre; around it, no closer than `clearance_A` Å, spheres' projected thicknesses
    (unresolved lattice, as thick particles look) of 2–4.5 nm radius and 2–4× the isolated
    particle's peak height (smoothed 2 Å), placed at random until they cover `coverage` of
    the field; under all, a background rising linearly along x from `gradient[0]` to
    `gradient[1]` of that peak height; recorded at `dose_e_per_A2` (Poisson, seeded)."""
    settings = ImagingSettings(
        scan=ScanSettings(pixel_size_A=pixel_size_A, shape_px=(shape_px, shape_px))
    )
    atoms = oriented(build_octahedron(12, 4), zone_axis_rotation((1, 1, 0)))
    isolated = simulate_adf(
        atoms, settings, centre=atoms.positions[:, :2].mean(axis=0), background=False
    ).data
    peak = float(ndimage.gaussian_filter(isolated, 2.0 / pixel_size_A).max())
    size = shape_px * pixel_size_A
    middle = np.array([size / 2, size / 2])
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:shape_px, 0:shape_px] * pixel_size_A
    thick = np.zeros((shape_px, shape_px))
    while (thick > 0).mean() < coverage:
        centre = rng.uniform(0.0, size, 2)
        radius = rng.uniform(20.0, 45.0)
        if np.hypot(*(centre - middle)) < radius + clearance_A:
            continue
        r2 = ((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / radius**2
        height = peak * rng.uniform(2.0, 4.0) * radius / 30.0
        thick = np.maximum(thick, height * np.sqrt(np.clip(1.0 - r2, 0.0, None)))
    background = peak * (gradient[0] + (gradient[1] - gradient[0]) * x / size)
    expected = Image(background + thick + isolated, pixel_size_A, "fraction of beam")
    frame = acquire(expected, AcquisitionSettings(dose_e_per_A2=dose_e_per_A2), seed=seed)
    electrons = frame.metadata["electrons_per_pixel"]
    return CrowdedFrame(
        frame,
        electrons * isolated,
        electrons * background,
        electrons * thick,
        (float(middle[0]), float(middle[1])),
    )


def graphene_bilayer(twist_deg: float, *, cells: int = 60, field_A: float = 64.0) -> Atoms:
    """Two graphene layers (a = 2.46 Å, graphite's in-plane lattice constant; 3.35 Å apart,
    graphite's interlayer spacing), the top one turned by `twist_deg` about the beam, each
    `cells` × `cells` unit cells, centred in a `field_A` × `field_A` Å cell (pbc False; atoms
    beyond the field are for `simulate_adf(..., outside="drop")`)."""
    layer = graphene(a=2.46, size=(cells, cells, 1), vacuum=None)
    layer.pbc = False
    top = layer.copy()
    top.positions = Rotation.from_euler("z", twist_deg, degrees=True).apply(top.positions)
    top.positions[:, 2] += 3.35
    atoms = layer + top
    atoms.positions += np.array([field_A / 2, field_A / 2, 0.0]) - atoms.positions.mean(axis=0)
    atoms.set_cell([field_A, field_A, 20.0])
    return atoms
