"""Point group of a cluster (Schoenflies symbol) via pymatgen's `PointGroupAnalyzer`."""

import numpy as np
from ase import Atoms

from aucluster.errors import ParameterError

#: Default distance tolerance [Å] for symmetry-equivalent atoms: loose enough for ideal
#: builds written to text formats, tight enough that a thermal snapshot reads as C1.
DEFAULT_TOLERANCE = 0.3
#: pymatgen's tolerance on the normalised principal moments. Its default (0.01) calls a long
#: thin cluster "linear": an Ino decahedron p=2, q=27 (163 atoms) came out C∞v, not D5h.
EIGEN_TOLERANCE = 1e-3


def point_group(atoms: Atoms, *, tolerance: float = DEFAULT_TOLERANCE) -> str:
    """Schoenflies symbol of `atoms` (e.g. 'Ih', 'D5h', 'Oh'; 'Kh' for a single atom).

    Uses pymatgen's `PointGroupAnalyzer` with `tolerance` [Å] (its other tolerances at their
    defaults). Large clusters take longer (≈0.7 s for 923 atoms).
    """
    if len(atoms) == 0:
        raise ParameterError("point group of an empty structure is undefined")
    from pymatgen.core import Molecule
    from pymatgen.symmetry.analyzer import PointGroupAnalyzer

    positions = atoms.positions - atoms.positions.mean(axis=0)
    molecule = Molecule(atoms.get_chemical_symbols(), positions)
    if len(atoms) == 1 or np.allclose(positions, 0.0):
        return "Kh"
    analyzer = PointGroupAnalyzer(molecule, tolerance=tolerance, eigen_tolerance=EIGEN_TOLERANCE)
    return str(analyzer.sch_symbol)
