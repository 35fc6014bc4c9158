"""`aucluster md` through CliRunner: runs, config files, resume and refusals."""

import json

import pytest
from ase.io import read, write
from click.testing import CliRunner

from aucluster.cli import main
from aucluster.md import load_settings
from aucluster.structures import build_icosahedron


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def structure(tmp_path):
    path = tmp_path / "ico.extxyz"
    write(path, build_icosahedron(3))
    return path


def test_md_run_writes_a_run_directory(tmp_path, structure):
    out = tmp_path / "run"
    result = invoke(
        "md",
        structure,
        "-o",
        out,
        "--steps",
        60,
        "--sample-interval",
        20,
        "--checkpoint-interval",
        20,
        "--temperature-K",
        450,
        "--solvent-mu-eV",
        1.0,
        "--wall-radius",
        12,
    )
    assert result.exit_code == 0, result.output
    assert "4 frames of 55 atoms" in result.output
    meta = json.loads((out / "run.json").read_text())
    assert meta["status"] == "completed"
    assert meta["settings"]["program"] == [[0.0, 450.0]]
    assert meta["settings"]["solvent"]["mu_eV"] == 1.0
    assert meta["settings"]["wall"]["radius"] == 12.0
    assert meta["degrees_of_freedom"] == 165
    assert meta["provenance"]["dependencies"]["asap3"]
    frames = read(out / "trajectory.traj", index=":")
    assert [f.info["step"] for f in frames] == [0, 20, 40, 60]
    assert (out / "log.csv").read_text().count("\n") == 5


def test_config_file_and_override(tmp_path, structure):
    config = tmp_path / "run.toml"
    config.write_text(
        'ensemble = "langevin"\nprogram = [[0, 300], [0.1, 600]]\nn_steps = 40\n'
        "sample_interval = 20\ncheckpoint_interval = 20\nseed = 9\n[solvent]\nmu_eV = 0.5\n"
    )
    settings = load_settings(config)
    assert settings.program.temperature_at(0.05) == pytest.approx(450.0)
    assert settings.solvent.mu_eV == 0.5
    out = tmp_path / "run"
    result = invoke("md", structure, "-o", out, "--config", config, "--seed", 10)
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "run.json").read_text())
    assert meta["settings"]["seed"] == 10
    assert meta["settings"]["n_steps"] == 40


def test_resume_cli(tmp_path, structure):
    out = tmp_path / "run"
    invoke(
        "md",
        structure,
        "-o",
        out,
        "--steps",
        40,
        "--sample-interval",
        20,
        "--checkpoint-interval",
        20,
    )
    result = invoke("md", "--resume", out)
    assert result.exit_code == 0, result.output
    assert "3 frames" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timestep-fs", 0], "timestep 0.0 fs"),
        (["--temperature-K", -10], "must be ≥ 0"),
        (["--temperature-K", 300, "--program", "0:300"], "not both"),
        (["--program", "0:300,zz"], "TIME_PS:T_K"),
        (["--ensemble", "nve", "--program", "0:300,1:600"], "Langevin"),
        (["--potential", "gupta", "--steps", 10, "--wall-stiffness", 2], "--wall-radius"),
    ],
)
def test_md_bad_settings(tmp_path, structure, args, message):
    out = tmp_path / "run"
    result = invoke("md", structure, "-o", out, *args)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert message in result.output
    assert not out.exists()


def test_md_refuses_unknown_element_nan_and_overlap(tmp_path):
    out = tmp_path / "run"
    atoms = build_icosahedron(2)
    atoms.set_chemical_symbols(["Fe"] * 13)
    write(tmp_path / "fe.extxyz", atoms)
    result = invoke("md", tmp_path / "fe.extxyz", "-o", out, "--steps", 10)
    assert result.exit_code == 2
    assert "Fe" in result.output
    atoms = build_icosahedron(2)
    atoms.positions[2] = atoms.positions[0] + [0.2, 0.0, 0.0]
    write(tmp_path / "overlap.extxyz", atoms)
    result = invoke("md", tmp_path / "overlap.extxyz", "-o", out, "--steps", 10)
    assert result.exit_code == 2
    assert "step 0" in result.output
    assert not out.exists()


def test_resume_refusals_leave_directory_untouched(tmp_path, structure):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.txt").write_text("x")
    result = invoke("md", "--resume", junk)
    assert result.exit_code == 2
    assert "not a run directory" in result.output
    assert [p.name for p in junk.iterdir()] == ["a.txt"]
    result = invoke("md", structure, "-o", junk, "--steps", 10)
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert [p.name for p in junk.iterdir()] == ["a.txt"]
    result = invoke("md", "--resume", junk, "--steps", 10)
    assert result.exit_code == 2


def test_md_help_has_units():
    result = invoke("md", "--help")
    for unit in ("[K]", "[fs]", "[ps]", "[1/fs]", "[eV]", "[Å]", "[eV/Å²]"):
        assert unit in result.output


def test_a_run_that_blows_up_stops_with_one_error_line_and_a_loadable_checkpoint(tmp_path):
    """At the edge of the accepted ranges (5000 K, 20 fs) atoms of a 13-atom cluster start to
    move more than 0.5 Å per step: the run stops there with an Error line naming the step
    (before asap3 could abort), run.json says "failed at step N", and the last checkpoint,
    taken before N, still loads."""
    from aucluster.md import rundir

    structure = tmp_path / "ico13.extxyz"
    write(structure, build_icosahedron(2))
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main,
        ["md", str(structure), "-o", str(out), "--temperature-K", "5000", "--above-melting",
         "--timestep-fs", "20", "--duration-ps", "20", "--checkpoint-interval", "100"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: the run blew up at step "), last
    assert "Traceback" not in result.output
    step = int(last.split("at step ")[1].split(":")[0])
    assert 0 < step < 1000  # 1000 steps asked for
    status = json.loads((out / "run.json").read_text())["status"]
    assert status.startswith(f"failed at step {step}: the run blew up"), status
    checkpoint = rundir.load_checkpoint(out)
    assert step - 100 <= checkpoint["step"] < step  # the last one before the blow-up
    assert checkpoint["positions"].shape == (13, 3)


def test_a_periodic_input_is_said_to_be_periodic_and_gets_the_bulk_scale_only(tmp_path):
    """A periodic box of 108 atoms is bulk, not a 108-atom cluster: md says so, and gives
    T/T_m of the bulk only (no T_m(N = 108))."""
    from ase.build import bulk

    path = tmp_path / "bulk.extxyz"
    write(path, bulk("Au", "fcc", a=4.08, cubic=True).repeat(3))
    result = CliRunner().invoke(
        main, ["md", str(path), "-o", str(tmp_path / "run"), "--steps", "20",
               "--sample-interval", "10", "--checkpoint-interval", "10"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "periodic along x, y, z" in result.output
    assert "T_m(bulk" in result.output
    assert "T_m(N =" not in result.output
