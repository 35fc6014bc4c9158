"""Bad input, as a new user would give it (issue 21's battery): every case gives exit status 2,
a last line starting `Error:` that names the bad value, no traceback, leaves no file or
directory that was not there before, and changes nothing that was (the inputs, damaged run
directories included, are compared byte for byte)."""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ase import Atoms
from ase.io import read, write
from click.testing import CliRunner

from aucluster import parallel
from aucluster.cli import main

WORKFLOWS = Path(__file__).parents[2] / "workflows"
ATTACHMENT = WORKFLOWS / "attachment.toml"


def _ok(*args: str) -> None:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output


def _edited(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Every bad or damaged input the cases name, in one folder ({IN})."""
    root = tmp_path_factory.mktemp("inputs")
    ico = root / "ico.extxyz"
    _ok("build", "icosahedron", "--shells", "2", "-o", ico)
    atoms = read(ico)
    atoms.positions[0] = np.nan
    write(root / "nan.extxyz", atoms)
    far = Atoms("Au2", positions=[(0, 0, 0), (12, 0, 0)], cell=[40, 40, 40])
    write(root / "far_dimer.extxyz", far)  # a 2 Å field centred between them holds neither
    (root / "empty.extxyz").write_text("")
    (root / "garbage.extxyz").write_text("not a structure\n")
    (root / "types.lammpstrj").write_text(
        "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 20\n0 20\n"
        "0 20\nITEM: ATOMS id type x y z\n1 1 5 5 5\n2 1 7.8 5 5\n"
    )
    scenario = ATTACHMENT.read_text()
    tomls = {
        "latin1.toml": None,
        "negative.toml": _edited(scenario, "seed = 1\n", "seed = -1\n"),
        "negative_duration.toml": _edited(scenario, "duration_ps = 150", "duration_ps = -5"),
        "typo.toml": _edited(scenario, "duration_ps = 150", "duraton_ps = 150"),
        "wrongtype.toml": _edited(scenario, "duration_ps = 150", 'duration_ps = "long"'),
        "wall_key.toml": _edited(scenario, "radius = 25.0", "radius = 25.0\nstiff = 3"),
        "wall_type.toml": _edited(scenario, "radius = 25.0", 'radius = "big"'),
        "n_atoms_type.toml": _edited(scenario, "n_atoms = 201", 'n_atoms = "many"'),
        "builder.toml": _edited(scenario, 'builder = "truncated-octahedron"', 'builder = "cube"'),
        "kind.toml": _edited(scenario, 'kind = "md"', 'kind = "mdx"'),
        "hot.toml": _edited(scenario, "[[0, 500], [150, 500]]", "[[0, 500], [150, 1e9]]"),
        "step.toml": _edited(scenario, "timestep_fs = 2.0", "timestep_fs = 500.0"),
        "shape.toml": _edited(scenario, "shape_px = [300, 300]", "shape_px = 300"),
        "syntax.toml": "name = \n",
        "md_key.toml": "temperature = 500\n",
        "md_type.toml": '[md]\ntimestep_fs = "short"\n',
    }
    for name, text in tomls.items():
        if text is not None:
            (root / name).write_text(text)
    (root / "latin1.toml").write_bytes(b'name = "x"\nkind = "md"\n\xff\xfe = 1\n')
    np.save(root / "flat.npy", np.zeros((16, 16)))
    np.save(root / "tiny.npy", np.ones((1, 1)))
    np.save(root / "rgb.npy", np.random.default_rng(0).random((32, 32, 3)))
    np.save(root / "noise.npy", np.random.default_rng(1).random((64, 64)))
    np.save(root / "nanimg.npy", np.full((32, 32), np.nan))
    (root / "text.npy").write_text("not an array")
    import tifffile

    rgb = (np.random.default_rng(2).random((32, 32, 3)) * 255).astype(np.uint8)
    tifffile.imwrite(root / "rgb.tif", rgb, photometric="rgb")
    (root / "text.tif").write_text("hello")

    # a finished MD run, and damaged copies of it
    md = root / "md"
    _ok("md", ico, "-o", md, "--duration-ps", "0.1", "--sample-interval", "5",
        "--checkpoint-interval", "10")  # fmt: skip
    for name in ("bad_checkpoint", "bad_trajectory", "no_checkpoint", "bad_runjson"):
        shutil.copytree(md, root / name)
    data = (md / "checkpoint.npz").read_bytes()
    (root / "bad_checkpoint" / "checkpoint.npz").write_bytes(data[: len(data) // 2])
    traj = (md / "trajectory.traj").read_bytes()
    (root / "bad_trajectory" / "trajectory.traj").write_bytes(traj[: len(traj) // 3])
    (root / "no_checkpoint" / "checkpoint.npz").unlink()
    (root / "bad_runjson" / "run.json").write_text("{not json")
    # a run directory whose scenario record is damaged
    (root / "bad_scenario").mkdir()
    (root / "bad_scenario" / "scenario.json").write_text('{"name": ')
    (root / "foreign").mkdir()
    (root / "foreign" / "notes.txt").write_text("mine")
    (root / "not_sqlite.db").write_text("not a database")
    return root


def _case(command: str, named: str):
    return shlex.split(command), named


_MEASURE = "compare measure {IN}/noise.npy --pixel-size 0.2 -o {OUT}/m"
_MATCH = "compare match {IN}/noise.npy {IN}/noise.npy --sim-pixel-size 0.2 --exp-pixel-size 0.2"
_TABLE = "stability --potential emt --max-atoms 60 --db {OUT}/s.db --csv {OUT}/s.csv"
_SMOKE = f"run {ATTACHMENT} --smoke -o {{OUT}}/run"

CASES = [
    # build: motifs, elements, sizes, boxes, paths
    _case("build dodecahedron -o {OUT}/a.xyz", "dodecahedron"),
    _case("build icosahedron --element Xx --shells 2 -o {OUT}/a.xyz", "Xx"),
    _case("build icosahedron --element Fe --shells 2 -o {OUT}/a.xyz", "Fe"),
    _case("build icosahedron --shells 0 -o {OUT}/a.xyz", "0"),
    _case("build icosahedron --shells -3 -o {OUT}/a.xyz", "-3"),
    _case("build icosahedron --shells 100000 -o {OUT}/a.xyz", "100000 shells"),
    _case("build cuboctahedron --shells 5000 -o {OUT}/a.xyz", "5000 shells"),
    _case("build icosahedron --shells 2 --a0 0 -o {OUT}/a.xyz", "0.0"),
    _case("build icosahedron --shells 2 --a0 -4 -o {OUT}/a.xyz", "-4"),
    _case("build icosahedron --shells 2 --a0 nan -o {OUT}/a.xyz", "nan"),
    _case("build icosahedron --shells 2 --vacuum -1 -o {OUT}/a.xyz", "-1"),
    _case("build icosahedron --shells 2 --vacuum 1e9 -o {OUT}/a.xyz", "1e+09"),
    _case("build icosahedron --shells 2 -o {OUT}/a.nosuchformat", "a.nosuchformat"),
    _case("build icosahedron --shells 2 -o {OUT}/nodir/a.xyz", "nodir"),
    _case("build icosahedron --shells 2 -o /proc/x.xyz", "/proc/x.xyz"),
    _case("build icosahedron -o {OUT}/a.xyz", "--shells"),
    _case("build icosahedron --shells 2 --n-atoms 55 -o {OUT}/a.xyz", "--n-atoms"),
    _case("build icosahedron --shells 2 --radius 5 -o {OUT}/a.xyz", "--radius"),
    _case("build fcc-sphere --radius 1e6 -o {OUT}/a.xyz", "1e+06"),
    _case("build fcc-sphere --radius -2 -o {OUT}/a.xyz", "-2"),
    _case("build fcc-sphere -o {OUT}/a.xyz", "--radius"),
    _case("build polycrystal --radius 8 --grains 100000 -o {OUT}/a.xyz", "100000"),
    _case("build polycrystal --radius 8 --grains 0 -o {OUT}/a.xyz", "0"),
    _case("build polycrystal --radius 1e5 --grains 3 -o {OUT}/a.xyz", "100000"),
    _case("build polycrystal --radius 8 --grains 2 --seed -1 -o {OUT}/a.xyz", "-1"),
    _case("build truncated-octahedron --n-atoms 1000000000 -o {OUT}/a.xyz", "1000000000"),
    _case("build truncated-octahedron --n-atoms 0 -o {OUT}/a.xyz", "0"),
    _case("build truncated-octahedron --length 3 --cutoff 5 -o {OUT}/a.xyz", "cutoff = 5"),
    _case("build octahedron --length 100000 -o {OUT}/a.xyz", "length 100000"),
    _case("build marks-decahedron --p 1000000 --q 1 --r 1 -o {OUT}/a.xyz", "1000000"),
    _case("build marks-decahedron --p 2 --q 1 --r 0 -o {OUT}/a.xyz", "r = 0"),
    _case("build ino-decahedron --p 0 --q 1 -o {OUT}/a.xyz", "p = 0"),
    _case("build wulff --n-atoms 1000000000 -o {OUT}/a.xyz", "1000000000"),
    _case(
        "build core-cloud --core-radius 10 --cloud-inner 30 --cloud-outer 14 "
        "--cloud-density-per-nm3 3 -o {OUT}/a.xyz",
        "14",
    ),
    _case(
        "build core-cloud --core-radius 10 --cloud-inner 14 --cloud-outer 30 "
        "--cloud-density-per-nm3 -3 -o {OUT}/a.xyz",
        "-3",
    ),
    _case(
        "build core-cloud --core-radius 10 --cloud-inner 14 --cloud-outer 3000 "
        "--cloud-density-per-nm3 3 -o {OUT}/a.xyz",
        "3000",
    ),
    _case(
        "build core-cloud --core-radius 10 --cloud-inner 14 --cloud-outer 30 "
        "--cloud-density-per-nm3 3 --cloud-sizes 1:x -o {OUT}/a.xyz",
        "1:x",
    ),
    _case(
        "build core-satellites --core-radius 10 --satellites 100000 --satellite-size 147 "
        "-o {OUT}/a.xyz",
        "100000 satellites",
    ),
    # info: files, frames, values
    _case("info {IN}/nan.extxyz", "non-finite"),
    _case("info {IN}/empty.extxyz", "empty.extxyz"),
    _case("info {IN}/garbage.extxyz", "garbage.extxyz"),
    _case("info {IN}/ico.extxyz --index 99", "'99'"),
    _case("info {IN}/ico.extxyz --index 5:2", "5:2"),
    _case("info {IN}/ico.extxyz --index abc", "abc"),
    _case("info {IN}/types.lammpstrj", "element column"),
    _case("info {IN}/nosuch.xyz", "nosuch.xyz"),
    # md: structure, ranges, settings files, paths, resume of damaged runs
    _case("md {IN}/ico.extxyz -o {OUT}/md --seed -1 --duration-ps 0.01", "-1"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --config {IN}/latin1.toml", "utf-8"),
    _case(
        "md {IN}/ico.extxyz -o {OUT}/md --config {IN}/md_key.toml",
        "[md_key.toml]: unknown key 'temperature'",
    ),
    _case("md {IN}/ico.extxyz -o {OUT}/md --config {IN}/md_type.toml", "timestep_fs"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --config {IN}/syntax.toml", "syntax.toml"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --duration-ps 0.001", "0 steps"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --wall-radius 1 --duration-ps 0.01", "--wall-radius 1"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --wall-radius -1", "-1"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --wall-stiffness 2", "--wall-radius"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --timestep-fs 500 --duration-ps 5", "500 fs"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --timestep-fs 0", "0"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --timestep-fs -1", "-1"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --timestep-fs nan", "nan"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --temperature-K 1e9 --above-melting", "1000000000"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --temperature-K -5", "-5"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --temperature-K nan", "nan"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --temperature-K 2000", "2000"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --friction-per-fs -1", "-1"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --sample-interval 0", "0"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --checkpoint-interval 150", "150"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --program 0:300,x:500", "0:300,x:500"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --program 0:300,0:500", "[0.0, 0.0]"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --supersaturation 2", "pocket"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --supersaturation-at-K 300", "--supersaturation"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --ensemble nve --program 0:300,5:600", "Langevin"),
    _case("md {IN}/ico.extxyz -o {OUT}/md --potential lj", "lj"),
    _case("md {IN}/nan.extxyz -o {OUT}/md", "non-finite"),
    _case("md {IN}/types.lammpstrj -o {OUT}/md", "element column"),
    _case("md {IN}/ico.extxyz -o /proc/md", "/proc/md"),
    _case("md {IN}/ico.extxyz -o {IN}/foreign", "foreign"),
    _case("md {IN}/ico.extxyz", "-o"),
    _case("md --resume {IN}/nosuchdir", "nosuchdir"),
    _case("md --resume {IN}/md --temperature-K 400", "--resume"),
    _case("md --resume {IN}/bad_checkpoint", "checkpoint.npz"),
    _case("md --resume {IN}/bad_trajectory", "trajectory.traj"),
    _case("md --resume {IN}/no_checkpoint", "checkpoint.npz"),
    _case("md --resume {IN}/bad_runjson", "run.json"),
    # analyze
    _case("analyze {IN}/nan.extxyz -o {OUT}/analysis", "non-finite"),
    _case("analyze {IN}/nosuch.xyz -o {OUT}/a", "nosuch.xyz"),
    _case("analyze {IN}/ico.extxyz -o {OUT}/a --index 99", "'99'"),
    _case("analyze {IN}/ico.extxyz -o {OUT}/a --bond-cutoff -1", "-1"),
    _case("analyze {IN}/ico.extxyz -o {OUT}/a --rmsd-max 0", "0"),
    _case("analyze {IN}/ico.extxyz -o {OUT}/a --min-grain-size 0", "0"),
    _case("analyze {IN}/ico.extxyz -o {OUT}/a --dwell-ps -1", "-1"),
    _case("analyze {IN}/garbage.extxyz -o {OUT}/a", "garbage.extxyz"),
    _case("analyze {IN}/types.lammpstrj -o {OUT}/a", "element column"),
    _case("analyze {IN}/ico.extxyz -o /proc/a", "/proc/a"),
    # image
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --seed -1", "-1"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --random-orientation -1", "-1"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --dose 1e30", "1e+30"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --dose -1", "-1"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --rotation-deg-per-frame nan", "nan"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --size 100000", "100000 × 100000"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --pixel-size 1e6", "1e+06 Å"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --size 0", "0"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --pixel-size 0", "0"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --pixel-size -0.2", "-0.2"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --energy-keV 0", "0"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --inner 200 --outer 100", "200"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --semiangle -1", "-1"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --zone-axis 0,0,0", "(0.0, 0.0, 0.0)"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --zone-axis a,b", "a,b"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --euler 1,2", "1,2"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --water -1", "-1"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --graphene-layers -1", "-1"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --drift 1", "'1'"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --snapshots-per-frame 0", "0"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.xyz", "x.xyz"),
    _case("image {IN}/ico.extxyz -o /proc/x.tif", "/proc/x.tif"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --size 8", "outside"),
    _case("image {IN}/far_dimer.extxyz -o {OUT}/x.tif --size 10 --drop-outside", "all 2 atoms"),
    _case("image {IN}/ico.extxyz -o {OUT}/x.tif --index 99", "'99'"),
    _case("image {IN}/md/trajectory.traj -o {OUT}/x.png", "PNG holds one frame"),
    _case("image {IN}/md/trajectory.traj -o {OUT}/x.tif --index 99", "'99'"),
    # series
    _case("series --a0 0 -o {OUT}/s", "0.0"),
    _case("series --motifs nosuch -o {OUT}/s", "nosuch"),
    _case("series --max-atoms 0 -o {OUT}/s", "0"),
    _case("series --max-atoms 100000000 -o {OUT}/s", "100000000"),
    _case("series --element Xx -o {OUT}/s", "Xx"),
    _case("series -o {IN}/ico.extxyz", "ico.extxyz"),
    # stability
    _case(_TABLE.replace("60", "1000000000"), "1000000000"),
    _case(_TABLE.replace("60", "5"), "5"),
    _case(_TABLE + " --workers 0", "0"),
    _case(_TABLE + " --scheduler tcp://127.0.0.1:9", "tcp://127.0.0.1:9"),
    _case(_TABLE + " --motifs nosuch", "nosuch"),
    _case(_TABLE + " --fmax 0", "0"),
    _case(_TABLE + " --potential lj", "lj"),
    _case(_TABLE + " --gupta-cutoff none", "not of emt"),
    _case(_TABLE + " --potential gupta --gupta-cutoff 2", "'2'"),
    _case(_TABLE + " --potential gupta --gupta-cutoff far", "far"),
    _case(_TABLE + " --potential gupta --gupta-cutoff none --temperatures 300", "17.7 Å"),
    _case(_TABLE + " --start-lattice-constant 9", "9"),
    _case(_TABLE + " --temperatures -5", "-5"),
    _case(_TABLE + " --temperatures 300,warm", "300,warm"),
    _case(_TABLE + " --temperatures 300 --free-energy-max-atoms 5", "5"),
    _case(_TABLE.replace("{OUT}/s.db", "{IN}/not_sqlite.db"), "not_sqlite.db"),
    _case(_TABLE.replace("{OUT}/s.db", "{OUT}/nodir/s.db"), "nodir"),
    _case(_TABLE.replace("{OUT}/s.db", "postgresql://u@127.0.0.1:9/x"), "aucluster[postgres]")
    if not __import__("importlib").util.find_spec("ase_db_backends")
    else _case(_TABLE.replace("{OUT}/s.db", "postgresql://u@127.0.0.1:9/x"), "127.0.0.1"),
    # detectability
    _case("detectability --motifs cubes -o {OUT}/d", "motifs ['cubes']"),
    _case("detectability --radii 15,x -o {OUT}/d", "--radii '15,x'"),
    _case("detectability --orientations 0 -o {OUT}/d", "orientations = 0"),
    _case("detectability --frames-summed 0 -o {OUT}/d", "frames_summed = [0]"),
    _case("detectability --min-strengths 0.5 -o {OUT}/d", "min_strengths"),
    _case("detectability --tilt-spread -3 --prior 111 -o {OUT}/d", "tilt_spread_deg = -3.0"),
    # minima
    _case("minima --sizes 1-5 -o {OUT}/m", "1-5"),
    _case("minima --sizes 13-x -o {OUT}/m", "13-x"),
    _case("minima --sizes 13 --steps-per-size 0 -o {OUT}/m", "--steps-per-size"),
    _case("minima --sizes 13 --random-restarts -1 -o {OUT}/m", "--random-restarts"),
    _case("minima --sizes 13 -o {IN}/ico.extxyz", "ico.extxyz"),
    # run: scenario files, sweeps, replicas, pools, damaged run directories
    _case("run {IN}/negative.toml --smoke -o {OUT}/run", "seed = -1"),
    _case("run {IN}/latin1.toml -o {OUT}/run", "utf-8"),
    _case("run {IN}/negative_duration.toml --smoke -o {OUT}/run", "-5"),
    _case("run {IN}/typo.toml --smoke -o {OUT}/run", "duraton_ps"),
    _case("run {IN}/wrongtype.toml --smoke -o {OUT}/run", "duration_ps"),
    _case("run {IN}/wall_key.toml --smoke -o {OUT}/run", "stiff"),
    _case("run {IN}/wall_type.toml --smoke -o {OUT}/run", "big"),
    _case("run {IN}/n_atoms_type.toml --smoke -o {OUT}/run", "many"),
    _case("run {IN}/builder.toml --smoke -o {OUT}/run", "cube"),
    _case("run {IN}/kind.toml --smoke -o {OUT}/run", "mdx"),
    _case("run {IN}/hot.toml --smoke -o {OUT}/run", "1000000000"),
    _case("run {IN}/step.toml --smoke -o {OUT}/run", "500"),
    _case("run {IN}/shape.toml --smoke -o {OUT}/run", "shape_px"),
    _case("run {IN}/syntax.toml -o {OUT}/run", "syntax.toml"),
    _case("run {IN}/nosuch.toml", "nosuch.toml"),
    _case(f"run {ATTACHMENT} --replicas 0 -o {{OUT}}/run", "0"),
    _case(_SMOKE + " --sweep md.nosuch=1,2", "nosuch"),
    _case(_SMOKE + " --sweep md.temperature_K", "md.temperature_K"),
    _case(_SMOKE + " --workers 0", "0"),
    _case(_SMOKE + " --scheduler tcp://127.0.0.1:9", "tcp://127.0.0.1:9"),
    _case(_SMOKE + " --replicas 2 --scheduler tcp://127.0.0.1:9", "tcp://127.0.0.1:9"),
    _case(f"run {ATTACHMENT} --smoke -o {{IN}}/bad_scenario", "scenario.json"),
    _case(f"run {ATTACHMENT} --smoke -o {{IN}}/foreign", "foreign"),
    # compare measure / match
    _case(_MEASURE + " --frame-time -1", "-1"),
    _case(_MEASURE + " --frame-time 0", "0"),
    _case(_MEASURE + " --frame-time nan", "nan"),
    _case(_MEASURE.replace("noise", "flat"), "no particle"),
    _case(_MEASURE.replace("noise", "rgb"), "(32, 32, 3)"),
    _case(_MEASURE.replace("noise.npy", "rgb.tif"), "colour"),
    _case(_MEASURE.replace("noise.npy", "text.tif"), "text.tif"),
    _case(_MEASURE.replace("noise.npy", "text.npy"), "text.npy"),
    _case(_MEASURE.replace("noise", "nanimg"), "non-finite"),
    _case(_MEASURE.replace("noise", "tiny"), "1 × 1"),
    _case("compare measure {IN}/noise.npy -o {OUT}/m", "--pixel-size"),
    _case(_MEASURE + " --signal HAADF", "HAADF"),
    _case(_MEASURE.replace("0.2", "-1"), "-1"),
    _case(_MEASURE + " --min-area -1", "-1"),
    _case(_MEASURE + " --background-region 1,2,3", "1,2,3"),
    _case(_MEASURE + " --background-region 0,0,x,5", "0,0,x,5"),
    _case(_MEASURE + " --background-region 500,500,600,600", "500,500,600,600"),
    _case(_MEASURE + " --background-region 5,0,1,5", "5,0,1,5"),
    _case(_MEASURE + " --background-order 3", "3"),
    _case(_MEASURE.replace("{OUT}/m", "/proc/m"), "/proc/m"),
    _case(_MATCH.replace("noise", "flat", 1) + " -o {OUT}/m", "flat"),
    _case(_MATCH.replace("noise", "tiny") + " -o {OUT}/m", "1 × 1"),
    _case(_MATCH.replace("noise.npy", "rgb.tif", 1) + " -o {OUT}/m", "colour"),
    _case(_MATCH + " --angle-step 0 -o {OUT}/m", "0"),
    _case(_MATCH + " --sim-frame 5 -o {OUT}/m", "frame 5"),
    _case(
        "compare match {IN}/noise.npy {IN}/noise.npy --sim-pixel-size 0.2 -o {OUT}/m",
        "--exp-pixel-size",
    ),
    # kinetics
    _case("kinetics rates {IN}/nosuchdir -o {OUT}/k", "nosuchdir"),
    _case("kinetics rates {IN} -o {OUT}/k", "no finished run"),
    _case("kinetics rates {IN} -o {OUT}/k --confidence 1.5", "1.5"),
    _case("kinetics model {IN} -o {OUT}/k", "no finished run"),
    _case("kinetics barriers -o {OUT}/k --n-atoms 0", "0"),
]


def _snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture(autouse=True)
def _quick_scheduler_timeout(monkeypatch):
    # an unreachable scheduler is refused after the connect timeout; 1 s is enough here
    monkeypatch.setattr(parallel, "SCHEDULER_TIMEOUT", "1s")


def test_the_battery_is_large():
    assert len(CASES) >= 100


@pytest.mark.parametrize(
    ("args", "named"), CASES, ids=[" ".join(c[0][:2]) + f" [{i}]" for i, c in enumerate(CASES)]
)
def test_bad_input_is_one_error_line_and_leaves_nothing(inputs, tmp_path, args, named):
    out = tmp_path / "out"
    out.mkdir()
    before_in, before_out = _snapshot(inputs), _snapshot(out)
    filled = [a.replace("{IN}", str(inputs)).replace("{OUT}", str(out)) for a in args]
    result = CliRunner().invoke(main, filled)
    assert result.exit_code == 2, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error:"), result.output
    assert named in last, last
    assert "Traceback" not in result.output
    assert _snapshot(out) == before_out
    assert _snapshot(inputs) == before_in


#: Refused for their size: each must be refused before it allocates (the limits in
#: aucluster.limits), so the whole process stays far below 1 GB.
OVERSIZE = [
    ("build icosahedron --shells 100000 -o {OUT}/a.xyz", "100000 shells"),
    ("build fcc-sphere --radius 1e6 -o {OUT}/a.xyz", "radius 1e+06 Å"),
    ("build polycrystal --radius 8 --grains 100000 -o {OUT}/a.xyz", "100000"),
    ("build truncated-octahedron --n-atoms 1000000000 -o {OUT}/a.xyz", "1000000000"),
    ("build icosahedron --shells 2 --vacuum 1e9 -o {OUT}/a.xyz", "vacuum 1e+09 Å"),
    ("series --max-atoms 100000000 -o {OUT}/s", "100000000"),
    (_TABLE.replace("60", "1000000000") + " --workers 1", "1000000000"),
    ("image {IN}/ico.extxyz -o {OUT}/x.tif --size 100000", "100000 × 100000 px"),
    ("image {IN}/ico.extxyz -o {OUT}/x.tif --pixel-size 1e6", "1e+06 Å per pixel"),
]


#: The CLI run as `python -m aucluster.cli` would, writing its own peak resident memory (kB,
#: VmHWM) to $PEAK_FILE as it exits: the peak of the process as exec'd, not its rusage, since
#: Linux carries the forking process's high-water mark (pytest's, ~1 GB late in the suite)
#: into the child's ru_maxrss across exec.
_PEAK_CLI = """
import atexit, os, runpy

def _peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.write(kb)

atexit.register(_peak)
runpy.run_module("aucluster.cli", run_name="__main__", alter_sys=True)
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's /proc")
@pytest.mark.parametrize(
    ("command", "named"), OVERSIZE, ids=[c.split(" -o")[0] for c, _ in OVERSIZE]
)
def test_oversize_input_is_refused_in_under_1_GB(inputs, tmp_path, command, named):
    out = tmp_path / "out"
    out.mkdir()
    filled = command.replace("{IN}", str(inputs)).replace("{OUT}", str(out))
    peak_file = tmp_path / "peak_kB.txt"
    result = subprocess.run(
        [sys.executable, "-c", _PEAK_CLI, *shlex.split(filled)],
        capture_output=True,
        text=True,
        env={**os.environ, "PEAK_FILE": str(peak_file)},
    )
    assert result.returncode == 2, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error:"), result.stderr
    assert named in last, last
    assert "Traceback" not in result.stderr
    peak_bytes = int(peak_file.read_text()) * 1024
    assert peak_bytes < 1e9, f"peak resident memory {peak_bytes / 1e6:.0f} MB"
    assert list(out.iterdir()) == []


def test_a_scenario_refused_at_the_md_start_leaves_no_run_directory(tmp_path):
    """A scenario whose MD cannot start (here a pocket inside the particle) is refused before
    its directory, scenario.json or initial.extxyz is written."""
    text = _edited(
        ATTACHMENT.read_text(), "[smoke.md.wall]\nradius = 15.0", "[smoke.md.wall]\nradius = 3.0"
    )
    scenario = tmp_path / "small_pocket.toml"
    scenario.write_text(text)
    result = CliRunner().invoke(main, ["run", str(scenario), "--smoke", "-o", str(tmp_path / "r")])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines()[-1].startswith("Error:")
    assert not (tmp_path / "r").exists()


def test_a_damaged_run_json_on_run_is_named(tmp_path):
    """`aucluster run` into a directory whose md/run.json is damaged says which file."""
    out = tmp_path / "r"
    result = CliRunner().invoke(main, ["run", str(ATTACHMENT), "--smoke", "-o", str(out)])
    assert result.exit_code == 0, result.output
    (out / "md" / "run.json").write_text("{")
    before = _snapshot(out)
    again = CliRunner().invoke(main, ["run", str(ATTACHMENT), "--smoke", "-o", str(out)])
    assert again.exit_code == 2, again.output
    assert "run.json" in again.output.strip().splitlines()[-1]
    assert _snapshot(out) == before


@pytest.mark.shared
def test_a_signal_the_microscope_file_does_not_hold_is_named(tmp_path):
    from tests.conftest import MICROSCOPE_DATA

    result = CliRunner().invoke(
        main,
        ["compare", "measure", str(MICROSCOPE_DATA / "velox_haadf.emd"), "--signal", "NOPE",
         "-o", str(tmp_path / "m")],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error:")
    assert "NOPE" in last
    assert "holds" in last
    assert not (tmp_path / "m").exists()


def test_the_package_runs_as_a_module():
    """`python -m aucluster.cli` (what the oversize cases run) is the same command."""
    result = subprocess.run(
        [sys.executable, "-m", "aucluster.cli", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "aucluster" in result.stdout
