"""The implicit solvent does what it is for: it sets how much matter the cloud holds."""

import numpy as np
import pytest
from ase.io import read

from aucluster.analysis import cluster_labels, detached_atoms
from aucluster.md import MDSettings, constant, run_md
from aucluster.potentials import SolventParameters, WallParameters
from aucluster.structures import build_icosahedron, in_vacuum_box


def test_cluster_labels_split_particle_and_cloud():
    core = build_icosahedron(3)
    from ase import Atoms

    far = Atoms("Au3", positions=[[40, 0, 0], [0, 40, 0], [40, 2.9, 0]])
    atoms = in_vacuum_box(core + far)
    labels = cluster_labels(atoms)
    assert (labels[:55] == 0).all()
    assert sorted(np.bincount(labels).tolist()) == [1, 2, 55]
    assert detached_atoms(atoms) == 3


@pytest.mark.slow
def test_no_detachment_without_solvent_at_300K(tmp_path):
    # in vacuum a surface Au atom is bound by ~3 eV: at 300 K (kT = 0.026 eV) nothing leaves
    settings = MDSettings(
        program=constant(300.0),
        duration_ps=20.0,
        sample_interval=100,
        checkpoint_interval=1000,
        seed=2,
        wall=WallParameters(radius=16.0),
    )
    run_md(build_icosahedron(5), settings, directory=tmp_path / "r")
    frames = read(tmp_path / "r" / "trajectory.traj", index=":")
    assert len(frames) == 41
    assert max(detached_atoms(f) for f in frames) == 0


#: μ_s values of the calibration table in docs/solvent_calibration.md (600 K, 309 atoms).
MU_SCAN_EV = (1.0, 1.5, 2.0)


@pytest.mark.validation
def test_detachment_grows_with_mu(tmp_path):
    means = []
    for mu in MU_SCAN_EV:
        settings = MDSettings(
            program=constant(600.0),
            duration_ps=40.0,
            sample_interval=200,
            checkpoint_interval=2000,
            seed=1,
            solvent=SolventParameters(mu_eV=mu),
            wall=WallParameters(radius=16.0),
        )
        run_md(build_icosahedron(5), settings, directory=tmp_path / f"mu{mu}")
        frames = read(tmp_path / f"mu{mu}" / "trajectory.traj", index=":")
        late = [detached_atoms(f) for f in frames[len(frames) // 2 :]]
        means.append(float(np.mean(late)))
    assert means == sorted(means)
    assert means[-1] > means[0] + 5  # a real effect, not noise around zero
