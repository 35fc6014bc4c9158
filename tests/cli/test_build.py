"""`aucluster build` through click's CliRunner: outputs, provenance and error cases."""

import json
import os

import pytest
from ase.io import read
from click.testing import CliRunner

from aucluster.cli import main
from aucluster.structures import minimum_distance


@pytest.fixture
def run(tmp_path):
    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_build_icosahedron_writes_extxyz_and_provenance(run, tmp_path):
    out = tmp_path / "ico.extxyz"
    result = run("build", "icosahedron", "--shells", 4, "-o", out)
    assert result.exit_code == 0, result.output
    atoms = read(out)
    assert len(atoms) == 147
    assert atoms.info["motif"] == "icosahedron"
    assert atoms.info["n_shells"] == 4
    record = json.loads((tmp_path / "ico.extxyz.provenance.json").read_text())
    assert record["settings"]["motif"] == "icosahedron"
    assert record["settings"]["shells"] == 4
    assert record["version"]
    assert record["dependencies"]["asap3"]
    assert "147 atoms" in result.output


@pytest.mark.parametrize(
    ("args", "n_atoms", "motif"),
    [
        (["ino-decahedron", "--p", 3, "--q", 3], 55, "ino-decahedron"),
        (["marks-decahedron", "--p", 2, "--q", 2, "--r", 1], 75, "marks-decahedron"),
        (["marks-decahedron", "--n-atoms", 147, "--within", "family"], 146, "marks-decahedron"),
        (["cuboctahedron", "--n-atoms", 60], 55, "cuboctahedron"),
        (["octahedron", "--length", 4], 44, "octahedron"),
        (["truncated-octahedron", "--length", 4, "--cutoff", 1], 38, "truncated-octahedron"),
        (["double-icosahedron"], 19, "double-icosahedron"),
        # fcc shells around an atom: 1 + 12 + 6 + 24 + 12 + 24 within √5·d = 6.45 Å
        (["fcc-sphere", "--radius", 6.5], 79, "fcc-sphere"),
    ],
)
def test_build_motifs(run, tmp_path, args, n_atoms, motif):
    out = tmp_path / "x.xyz"
    result = run("build", *args, "-o", out)
    assert result.exit_code == 0, result.output
    atoms = read(out)
    assert len(atoms) == n_atoms
    assert atoms.info["motif"] == motif


def test_build_random_motifs_are_seeded(run, tmp_path):
    args = ["build", "polycrystal", "--radius", 12, "--grains", 3, "--seed", 4]
    run(*args, "-o", tmp_path / "a.extxyz")
    run(*args, "-o", tmp_path / "b.extxyz")
    a, b = read(tmp_path / "a.extxyz"), read(tmp_path / "b.extxyz")
    assert (a.positions == b.positions).all()
    assert set(a.arrays["grain"]) == {0, 1, 2}
    record = json.loads((tmp_path / "a.extxyz.provenance.json").read_text())
    assert record["seed"] == 4


def test_build_core_cloud_from_a_core_file(run, tmp_path):
    core = tmp_path / "core.extxyz"
    run("build", "icosahedron", "--shells", 4, "-o", core)
    out = tmp_path / "cloud.extxyz"
    result = run(
        "build",
        "core-cloud",
        "--core",
        core,
        "--cloud-inner",
        12,
        "--cloud-outer",
        22,
        "--cloud-density-per-nm3",
        2,
        "--cloud-sizes",
        "1:1,13:1",
        "--seed",
        3,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    atoms = read(out)
    assert atoms.info["core_motif"] == "icosahedron"
    assert (atoms.arrays["cloud_cluster"] == -1).sum() == 147
    record = json.loads((tmp_path / "cloud.extxyz.provenance.json").read_text())
    assert list(record["inputs"]) == [str(core)]  # the core file's hash is recorded


def test_build_core_satellites_and_core_shell(run, tmp_path):
    out = tmp_path / "sat.extxyz"
    result = run(
        "build",
        "core-satellites",
        "--core-radius",
        9,
        "--satellites",
        4,
        "--satellite-size",
        13,
        "--gap",
        1,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    assert read(out).info["n_satellites"] == 4
    out = tmp_path / "cs.extxyz"
    result = run("build", "core-shell", "--core-radius", 5, "--shell-thickness", 3, "-o", out)
    assert result.exit_code == 0, result.output
    assert minimum_distance(read(out)) > 2.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tetrahedron", "--shells", 2], "tetrahedron"),
        (["icosahedron", "--shells", -1], "n_shells = -1"),
        (["icosahedron"], "exactly one of --shells or --n-atoms"),
        (["icosahedron", "--shells", 3, "--grains", 2], "--grains does not apply to icosahedron"),
        (["icosahedron", "--shells", 3, "--element", "Fe"], "unknown element 'Fe'"),
        (["marks-decahedron", "--p", 2, "--q", 2, "--r", 0], "r = 0"),
        (["core-shell", "--core-radius", 5, "--shell-thickness", -2], "shell_thickness = -2"),
        (
            [
                "core-cloud",
                "--core-radius",
                8,
                "--cloud-inner",
                5,
                "--cloud-outer",
                20,
                "--cloud-density-per-nm3",
                1,
            ],
            "inside the core",
        ),
        (
            [
                "core-cloud",
                "--core-radius",
                6,
                "--cloud-inner",
                10,
                "--cloud-outer",
                14,
                "--cloud-density-per-nm3",
                50,
                "--cloud-sizes",
                "1:1",
            ],
            "density",
        ),
        (["polycrystal", "--radius", 10], "--grains"),
    ],
)
def test_build_errors_are_one_line_exit_2_no_file(run, tmp_path, args, message):
    out = tmp_path / "bad.extxyz"
    result = run("build", *args, "-o", out)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error:")
    assert message in lines[0]
    assert "Traceback" not in result.output
    assert os.listdir(tmp_path) == []


def test_unwritable_output_path(run, tmp_path):
    result = run("build", "icosahedron", "--shells", 2, "-o", tmp_path / "missing" / "x.extxyz")
    assert result.exit_code == 2
    assert "does not exist" in result.output
    # /proc takes no new files, even from root, for whom permission bits never say no
    result = run("build", "icosahedron", "--shells", 2, "-o", "/proc/aucluster-test.extxyz")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "'/proc'" in result.output


def test_unreadable_core_file(run, tmp_path):
    junk = tmp_path / "junk.xyz"
    junk.write_text("not a structure\n")
    out = tmp_path / "cloud.extxyz"
    result = run(
        "build",
        "core-cloud",
        "--core",
        junk,
        "--cloud-inner",
        12,
        "--cloud-outer",
        20,
        "--cloud-density-per-nm3",
        1,
        "-o",
        out,
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: cannot read")
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_unknown_output_format(run, tmp_path):
    result = run("build", "icosahedron", "--shells", 2, "-o", tmp_path / "x.unknownext")
    assert result.exit_code == 2
    assert "cannot write structures" in result.output
    assert os.listdir(tmp_path) == []


def test_help_gives_units(run):
    result = run("build", "--help")
    assert result.exit_code == 0
    for unit in ("[Å]", "nm³", "Lattice constant [Å]"):
        assert unit in result.output
