"""Reference codes run side by side with ours in the tests."""

import numpy as np
from ase import Atoms


def ovito_adaptive_cna(atoms: Atoms) -> np.ndarray:
    """OVITO's adaptive common-neighbour analysis: structure type per atom (0 other, 1 fcc,
    2 hcp, 3 bcc, 4 ico: the codes of `aucluster.analysis.Structure`)."""
    from ovito.io.ase import ase_to_ovito
    from ovito.modifiers import CommonNeighborAnalysisModifier
    from ovito.pipeline import Pipeline, StaticSource

    bare = Atoms(atoms.numbers, positions=atoms.positions, cell=atoms.cell, pbc=atoms.pbc)
    pipeline = Pipeline(source=StaticSource(data=ase_to_ovito(bare)))
    pipeline.modifiers.append(
        CommonNeighborAnalysisModifier(mode=CommonNeighborAnalysisModifier.Mode.AdaptiveCutoff)
    )
    return np.asarray(pipeline.compute().particles["Structure Type"])
