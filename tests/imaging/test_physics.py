"""Probe, cross-sections and the incoherent model against exact results and an independent
parametrisation."""

import json
from pathlib import Path

import numpy as np
import pytest
from ase import Atoms

from aucluster.errors import ParameterError
from aucluster.imaging import (
    BackgroundSettings,
    ImagingSettings,
    ProbeSettings,
    ScanSettings,
    UndersampledWarning,
    adf_cross_section,
    airy_fwhm,
    background_fraction,
    diffractogram,
    find_spots,
    oriented,
    probe_intensity,
    scattering_factor,
    simulate_adf,
    wavelength,
    zone_axis_rotation,
)
from aucluster.structures import build_octahedron

# Relativistic electron wavelengths (Kirkland, Advanced Computing in Electron Microscopy,
# Table 2.2): 200 keV 0.02508 Å, 300 keV 0.01969 Å.
WAVELENGTH_200KEV = 0.02508
WAVELENGTH_300KEV = 0.01969


def _fwhm(profile: np.ndarray, spacing: float) -> float:
    half = profile[0] / 2.0
    i = int(np.argmax(profile < half))
    x0, x1, y0, y1 = (i - 1) * spacing, i * spacing, profile[i - 1], profile[i]
    return 2.0 * (x0 + (half - y0) / (y1 - y0) * (x1 - x0))


def test_wavelengths():
    assert wavelength(200e3) == pytest.approx(WAVELENGTH_200KEV, abs=1e-5)
    assert wavelength(300e3) == pytest.approx(WAVELENGTH_300KEV, abs=1e-5)


def test_probe_is_normalised_and_has_the_airy_width():
    settings = ProbeSettings(source_fwhm=0.0)
    spacing = 0.01
    intensity = probe_intensity(settings, (2048, 2048), spacing)
    assert intensity.sum() * spacing**2 == pytest.approx(1.0, abs=1e-12)
    # Aberration-free: the Airy pattern, FWHM 0.5145 λ/α (Born & Wolf, §8.5.2).
    assert _fwhm(intensity[0, :1024], spacing) == pytest.approx(airy_fwhm(settings), rel=5e-3)


def test_source_size_and_aberrations_widen_the_probe_but_keep_it_normalised():
    spacing = 0.02
    sharp = probe_intensity(ProbeSettings(source_fwhm=0.0), (1024, 1024), spacing)
    for settings in (
        ProbeSettings(source_fwhm=1.0),
        ProbeSettings(source_fwhm=0.0, cs=5e4),
        ProbeSettings(source_fwhm=0.0, defocus=40.0, focal_spread=30.0),
    ):
        blurred = probe_intensity(settings, (1024, 1024), spacing)
        assert blurred.sum() * spacing**2 == pytest.approx(1.0, abs=1e-9)
        assert blurred[0, 0] < sharp[0, 0]


def _kirkland(symbol: str, k: np.ndarray) -> np.ndarray:
    table = json.loads((Path(__file__).parent / "data" / "kirkland.json").read_text())
    p = np.asarray(table["parameters"][symbol])
    k2 = np.asarray(k) ** 2
    return sum(p[0, i] / (p[1, i] + k2) + p[2, i] * np.exp(-p[3, i] * k2) for i in range(3))


def _sigma_kirkland(symbol: str, energy: float, inner: float, outer: float) -> float:
    from scipy.integrate import quad

    from aucluster.imaging.crosssections import relativistic_factor

    lam, gamma = wavelength(energy), relativistic_factor(energy)
    value, _ = quad(
        lambda t: (gamma * _kirkland(symbol, 2 * np.sin(t / 2) / lam)) ** 2 * np.sin(t),
        inner * 1e-3,
        outer * 1e-3,
        limit=200,
    )
    return 2 * np.pi * value


# Independent parametrisations of the same Hartree–Fock scattering factors (Lobato & Van Dyck
# 2014, used here; Kirkland 2010, tests/imaging/data) agree to a few percent over 0–6 Å⁻¹.
PARAMETRISATION_RTOL = 0.03


@pytest.mark.parametrize(
    ("first", "second"), [("Au", "Ag"), ("Au", "Pt"), ("Au", "C"), ("O", "C"), ("Ag", "Si")]
)
@pytest.mark.parametrize(("inner", "outer"), [(70.0, 200.0), (40.0, 100.0), (100.0, 250.0)])
def test_cross_section_ratios_match_kirkland(first, second, inner, outer):
    ours = adf_cross_section(first, 200e3, inner, outer, model="born") / adf_cross_section(
        second, 200e3, inner, outer, model="born"
    )
    theirs = _sigma_kirkland(first, 200e3, inner, outer) / _sigma_kirkland(
        second, 200e3, inner, outer
    )
    assert ours == pytest.approx(theirs, rel=PARAMETRISATION_RTOL)


def test_detector_angle_dependence_matches_kirkland():
    for symbol in ("Au", "C"):
        ours = adf_cross_section(symbol, 200e3, 100, 200, model="born") / adf_cross_section(
            symbol, 200e3, 50, 200, model="born"
        )
        theirs = _sigma_kirkland(symbol, 200e3, 100, 200) / _sigma_kirkland(symbol, 200e3, 50, 200)
        assert ours == pytest.approx(theirs, rel=PARAMETRISATION_RTOL)


def test_eikonal_cross_section_is_born_for_light_atoms_and_below_it_for_gold():
    # Phase-object scattering → first Born when the phase is weak (carbon: peak phase ≪ 1
    # outside the nucleus); for gold the strong phase saturates |e^{iφ} − 1| ≤ 2.
    for semiangle in (0.0, 25.0):
        carbon = [adf_cross_section("C", 200e3, 70, 200, semiangle, m) for m in ("eikonal", "born")]
        gold = [adf_cross_section("Au", 200e3, 70, 200, semiangle, m) for m in ("eikonal", "born")]
        assert carbon[0] == pytest.approx(carbon[1], rel=0.01)
        assert gold[0] < 0.8 * gold[1]
    # Σ over the disc of probe tilts: the detector response averages to the annulus area.
    from aucluster.imaging.crosssections import detector_response

    q = np.linspace(0, 20, 40001)
    for aperture in (0.0, 1.0):
        response = detector_response(q, 2.0, 8.0, aperture)
        integral = 2 * np.pi * np.trapezoid(response * q, q)
        assert integral == pytest.approx(np.pi * (8.0**2 - 2.0**2), rel=1e-3)


def test_scattering_factor_reaches_the_mott_bethe_rutherford_limit():
    # Mott–Bethe: f_e(g) = (Z − f_x(g)) / (2π² a₀ g²); at g = 15 Å⁻¹ carbon's electrons no
    # longer screen (f_x ≪ 1), gold's innermost shells still hide a few of its 79 charges.
    a0 = 0.529177

    def unscreened_fraction(symbol: str, z: int, g: float) -> float:
        return float(scattering_factor(symbol, g) * 2 * np.pi**2 * a0 * g**2 / z)

    assert unscreened_fraction("C", 6, 15.0) == pytest.approx(1.0, rel=0.01)
    assert 0.95 < unscreened_fraction("Au", 79, 15.0) < 1.0
    assert unscreened_fraction("Au", 79, 30.0) > unscreened_fraction("Au", 79, 15.0)


def test_unknown_element_is_refused():
    with pytest.raises(ParameterError, match="'U'"):
        adf_cross_section("U", 200e3, 70, 200)


SETTINGS = ImagingSettings(
    scan=ScanSettings(pixel_size_A=0.2, shape_px=(128, 128)),
    background=BackgroundSettings(water_thickness=0.0, graphene_layers=0),
)


def test_image_integrates_to_the_sum_of_cross_sections_and_is_linear():
    atoms = build_octahedron(6, 2)
    atoms.positions += np.random.default_rng(1).normal(0, 0.3, atoms.positions.shape)
    image = simulate_adf(atoms, SETTINGS)
    sigma_sum = len(atoms) * adf_cross_section("Au", 200e3, 70.0, 200.0, 25.0)
    assert image.data.sum() * 0.2**2 == pytest.approx(sigma_sum, rel=1e-10)
    # Linearity: the image of all atoms is the sum of the images of two halves (same frame).
    centre = 0.5 * (atoms.positions[:, :2].min(axis=0) + atoms.positions[:, :2].max(axis=0))
    half = len(atoms) // 2
    parts = [
        simulate_adf(atoms[:half], SETTINGS, centre=centre),
        simulate_adf(atoms[half:], SETTINGS, centre=centre),
    ]
    np.testing.assert_allclose(parts[0].data + parts[1].data, image.data, rtol=1e-9, atol=1e-15)


def test_heavier_atoms_are_brighter_by_their_cross_section_ratio():
    single = {}
    for symbol in ("Au", "Ag"):
        atoms = Atoms(symbol, positions=[[0.0, 0.0, 0.0]])
        single[symbol] = simulate_adf(atoms, SETTINGS).data.max()
    ratio = adf_cross_section("Au", 200e3, 70, 200, 25) / adf_cross_section(
        "Ag", 200e3, 70, 200, 25
    )
    assert single["Au"] / single["Ag"] == pytest.approx(ratio, rel=1e-9)


def test_background_of_the_liquid_cell():
    settings = ImagingSettings(scan=ScanSettings(pixel_size_A=0.2, shape_px=(64, 64)))
    empty = simulate_adf(Atoms("Au", positions=[[0, 0, 0]])[:0], settings)
    b = background_fraction(settings.background, settings.probe, settings.detector)
    np.testing.assert_allclose(empty.data, b)
    # Two graphene layers add 2 × 0.382 C atoms per Å² (a = 2.46 Å lattice).
    more = BackgroundSettings(water_thickness=200.0, graphene_layers=4)
    extra = background_fraction(more, settings.probe, settings.detector) - b
    carbon = adf_cross_section("C", 200e3, 70, 200, 25)
    assert extra == pytest.approx(2 * 0.3816 * carbon, rel=1e-3)


def test_structure_outside_the_field_of_view_is_refused_or_dropped():
    atoms = Atoms("Au2", positions=[[0, 0, 0], [40.0, 0, 0]])
    small = ImagingSettings(scan=ScanSettings(pixel_size_A=0.2, shape_px=(64, 64)))
    with pytest.raises(ParameterError, match="outside"):
        simulate_adf(atoms, small)
    dropped = simulate_adf(atoms, small, centre=(0.0, 0.0), outside="drop")
    assert dropped.metadata["n_atoms_outside"] == 1


def test_undersampled_pixel_warns():
    coarse = ImagingSettings(scan=ScanSettings(pixel_size_A=0.5, shape_px=(32, 32)))
    with pytest.warns(UndersampledWarning, match="Nyquist"):
        simulate_adf(Atoms("Au", positions=[[0, 0, 0]]), coarse)


def test_bad_settings_are_refused():
    from aucluster.imaging import AcquisitionSettings, DetectorSettings

    with pytest.raises(ParameterError, match="dose"):
        AcquisitionSettings(dose_e_per_A2=0.0)
    with pytest.raises(ParameterError, match="outer"):
        DetectorSettings(inner=100, outer=50)
    with pytest.raises(ParameterError, match="pixel_size"):
        ScanSettings(pixel_size_A=-0.1)


# Au (a0 = 4.08 Å): d111 = a0/√3 = 2.3556 Å, d200 = a0/2 = 2.04 Å; on [110] the two {111}
# spots are 70.53° apart and a {111} spot is 54.74° from the (002) spot (exact geometry).
D111, D200 = 4.08 / np.sqrt(3.0), 4.08 / 2.0


def test_fcc_110_diffractogram_has_111_and_200_spots_at_the_right_angles():
    from aucluster.imaging import AcquisitionSettings, acquire

    atoms = oriented(build_octahedron(12, 4), zone_axis_rotation((1, 1, 0)))
    settings = ImagingSettings(scan=ScanSettings(pixel_size_A=0.1, shape_px=(512, 512)))
    frame = acquire(simulate_adf(atoms, settings), AcquisitionSettings(dose_e_per_A2=1e5), seed=1)
    spots = find_spots(diffractogram(frame), k_min=0.3, k_max=0.6)[:6]
    spacings = sorted({round(s.spacing, 2) for s in spots})
    assert len(spacings) == 2
    assert spacings[0] == pytest.approx(D200, rel=0.01)
    assert spacings[1] == pytest.approx(D111, rel=0.01)
    s111 = [s for s in spots if abs(s.spacing - D111) < 0.05]
    s200 = [s for s in spots if abs(s.spacing - D200) < 0.05]
    assert len(s111) == 4
    assert len(s200) == 2

    def angle(a, b):
        cos = (a.kx * b.kx + a.ky * b.ky) / (a.k * b.k)
        return np.degrees(np.arccos(np.clip(cos, -1, 1)))

    angles_111 = sorted(angle(s111[0], s) for s in s111[1:])
    assert angles_111[0] == pytest.approx(70.53, abs=1.0)
    assert min(angle(s200[0], s) for s in s111) == pytest.approx(54.74, abs=1.0)
