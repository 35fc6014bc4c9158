"""Point groups of clusters whose shape strains pymatgen's defaults."""

from aucluster.structures import build_decahedron, point_group


def test_long_thin_decahedron_is_not_called_linear():
    # pymatgen's default eigenvalue tolerance calls this 163-atom rod C*v (linear); it is a
    # decahedron with its five-fold axis: D5h (exact by construction).
    assert point_group(build_decahedron(2, 27, 0)) == "D5h"
