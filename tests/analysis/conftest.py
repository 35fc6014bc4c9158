"""Frames for the analysis tests: ideal, thermal, melted, quenched, and composite structures."""

import numpy as np
import pytest
from ase import Atoms


def thermalise(atoms: Atoms, temperature_K: float, n_steps: int, *, seed: int) -> Atoms:
    """Copy of `atoms` after `n_steps` of asap3 EMT Langevin MD (5 fs) at `temperature_K`."""
    from asap3 import EMT
    from asap3.md.langevin import Langevin
    from ase import units
    from ase.md.velocitydistribution import thermalize_momenta

    out = atoms.copy()
    out.calc = EMT()
    thermalize_momenta(out, temperature_K=temperature_K, rng=np.random.default_rng(seed))
    dyn = Langevin(out, 5 * units.fs, temperature_K=temperature_K, friction=0.02, seed=seed)
    dyn.run(n_steps)
    frame = out.copy()
    frame.calc = None
    return frame


@pytest.fixture(scope="session")
def reference_frames() -> dict[str, Atoms]:
    """The frames on which the analysis is compared with OVITO (issue: ideal, 300 and 600 K,
    melted, quenched, polycrystalline, twinned, core-shell-cloud)."""
    from aucluster.structures import (
        build_core_cloud,
        build_core_shell,
        build_decahedron,
        build_icosahedron,
        build_octahedron,
        build_polycrystal,
        build_stacked,
    )

    ico = build_icosahedron(5)
    to = build_octahedron(9, 3)
    melted = thermalise(ico, 1400.0, 2000, seed=3)
    core_shell = build_core_shell(8.0, 5.0, seed=4)
    return {
        "ideal icosahedron 561": build_icosahedron(6),
        "ideal Marks decahedron": build_decahedron(4, 2, 2),
        "ideal truncated octahedron": to,
        "icosahedron 309, 300 K": thermalise(ico, 300.0, 400, seed=1),
        "truncated octahedron, 600 K": thermalise(to, 600.0, 400, seed=2),
        "melted (1400 K)": melted,
        "quenched to 300 K (glass)": thermalise(melted, 300.0, 1000, seed=5),
        "polycrystal, 4 grains, 300 K": thermalise(
            build_polycrystal(18.0, 4, seed=6), 300.0, 200, seed=6
        ),
        "twinned bicrystal": build_stacked("ABCABCBACBACB", 14.0),
        "core-shell in a cloud": build_core_cloud(
            core_shell, inner_radius=18.0, outer_radius=30.0, density_per_nm3=2.0, seed=7
        ),
    }
