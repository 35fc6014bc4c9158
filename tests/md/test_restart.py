"""Checkpoint and restart: a killed run, resumed, is identical to an uninterrupted one."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from ase.io import read

from aucluster.errors import ParameterError
from aucluster.md import MDSettings, constant, resume_md, run_md
from aucluster.md.rundir import load_checkpoint
from aucluster.potentials import SolventParameters, WallParameters
from aucluster.structures import build_icosahedron

SETTINGS = MDSettings(
    program=constant(600.0),
    n_steps=500,
    sample_interval=20,
    checkpoint_interval=100,
    seed=3,
    solvent=SolventParameters(mu_eV=1.5),
    wall=WallParameters(radius=14.0),
)


class _Killed(Exception):
    pass


def _assert_identical(dir_a, dir_b):
    a = read(dir_a / "trajectory.traj", index=":")
    b = read(dir_b / "trajectory.traj", index=":")
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x.info["step"] == y.info["step"]
        assert np.array_equal(x.positions, y.positions)
        assert np.array_equal(x.get_momenta(), y.get_momenta())
    assert (dir_a / "log.csv").read_text() == (dir_b / "log.csv").read_text()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ref") / "run"
    run_md(build_icosahedron(4), SETTINGS, directory=directory)
    return directory


@pytest.mark.parametrize("kill_at", [5, 100, 270])
def test_resume_after_crash_with_torn_files_is_identical(tmp_path, reference, kill_at):
    def crash(atoms, step):
        if step == kill_at:
            raise _Killed

    run_dir = tmp_path / "run"
    with pytest.raises(_Killed):
        run_md(build_icosahedron(4), SETTINGS, directory=run_dir, observers=[(crash, 1)])
    # a kill in the middle of writing leaves torn tails: simulate them
    with open(run_dir / "trajectory.traj", "ab") as handle:
        handle.write(b"\x00torn frame" * 50)
    with open(run_dir / "log.csv", "a") as handle:
        handle.write("280,1.4,12.5")
    result = resume_md(run_dir)
    assert result.n_frames == 26  # frames at 0, 20, …, 500: none lost, none twice
    _assert_identical(reference, run_dir)


def test_resume_of_a_finished_run_changes_nothing(tmp_path, reference):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(reference, copy)
    result = resume_md(copy)
    assert result.n_frames == 26
    _assert_identical(reference, copy)


@pytest.mark.slow
def test_kill_9_during_the_run_then_resume(tmp_path):
    """A real SIGKILL of the CLI in mid-run, then `aucluster md --resume`."""
    structure = tmp_path / "ico.extxyz"
    build_icosahedron(4).write(structure)
    reference = tmp_path / "reference"  # from the file: extxyz rounds positions to 1e-8 Å
    run_md(read(structure), SETTINGS, directory=reference)
    config = tmp_path / "run.toml"
    config.write_text(
        "program = 600.0\nn_steps = 500\nsample_interval = 20\ncheckpoint_interval = 100\n"
        "seed = 3\n[solvent]\nmu_eV = 1.5\n[wall]\nradius = 14.0\n"
    )
    run_dir = tmp_path / "run"
    cli = [sys.executable, "-m", "aucluster.cli"]
    process = subprocess.Popen(
        [*cli, "md", str(structure), "-o", str(run_dir), "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        checkpoint = run_dir / "checkpoint.npz"
        if checkpoint.exists() and load_checkpoint(run_dir)["step"] >= 200:
            break
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "run finished before it could be killed"
    done = subprocess.run([*cli, "md", "--resume", str(run_dir)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    _assert_identical(reference, run_dir)


def test_resume_refuses_what_is_not_a_run(tmp_path):
    (tmp_path / "notes.txt").write_text("not a run")
    with pytest.raises(ParameterError, match="not a run directory"):
        resume_md(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
