"""Wulff clusters from EMT surface energies, checked against ASE's own EMT side by side."""

import numpy as np
import pytest
from ase.build import bulk, fcc100, fcc110, fcc111
from ase.calculators.emt import EMT as AseEMT

from aucluster.errors import ParameterError
from aucluster.structures import build_wulff, emt_surface_energies, point_group

#: asap3's EMT and ASE's pure-Python EMT implement the same Jacobsen–Stoltze–Nørskov
#: parameters; their surface energies agree to ~1e-6 relative (measured), so 1e-4 is safe.
GAMMA_RTOL = 1e-4


def _ase_gamma(miller, builder):
    cell = bulk("Au", "fcc", a=4.08, cubic=True)
    cell.calc = AseEMT()
    e_bulk = cell.get_potential_energy() / len(cell)
    slab = builder("Au", size=(2, 2, 12), a=4.08, vacuum=8.0, periodic=True)
    slab.pbc = (True, True, False)
    slab.calc = AseEMT()
    area = np.linalg.norm(np.cross(slab.cell[0], slab.cell[1]))
    return (slab.get_potential_energy() - len(slab) * e_bulk) / (2 * area)


def test_emt_surface_energies_match_ase_emt():
    gammas = emt_surface_energies("Au")
    for miller, builder in [((1, 1, 1), fcc111), ((1, 0, 0), fcc100), ((1, 1, 0), fcc110)]:
        assert gammas[miller] == pytest.approx(_ase_gamma(miller, builder), rel=GAMMA_RTOL)


def test_close_packed_face_is_cheapest():
    # an fcc fact every pair potential and EMT reproduce: γ(111) < γ(100) < γ(110)
    g = emt_surface_energies("Au")
    assert g[(1, 1, 1)] < g[(1, 0, 0)] < g[(1, 1, 0)]


def test_wulff_cluster_is_close_to_request_and_cubic():
    atoms = build_wulff(201)
    assert abs(len(atoms) - 201) <= 0.2 * 201
    assert point_group(atoms) == "Oh"
    assert atoms.info["motif"] == "wulff"
    assert atoms.info["requested_n_atoms"] == 201


@pytest.mark.parametrize("bad", [{(1, 1, 1): -0.1}, {}])
def test_wulff_rejects_bad_energies(bad):
    with pytest.raises(ParameterError):
        build_wulff(100, surface_energies=bad)
