"""Bad input, as a new user would give it (issue 21's battery, the cases fixed so far): each
gives exit status 2, one last line starting `Error:` that names the bad value, no traceback,
and leaves no file or directory that was not there before."""

from pathlib import Path

import numpy as np
import pytest
from ase.io import read, write
from click.testing import CliRunner

from aucluster.cli import main

WORKFLOWS = Path(__file__).parents[2] / "workflows"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("inputs")
    ico = root / "ico.extxyz"
    assert (
        CliRunner()
        .invoke(main, ["build", "icosahedron", "--shells", "2", "-o", str(ico)])
        .exit_code
        == 0
    )
    atoms = read(ico)
    atoms.positions[0] = np.nan
    write(root / "nan.extxyz", atoms)
    (root / "latin1.toml").write_bytes(b'name = "x"\nkind = "md"\n\xff\xfe = 1\n')
    (root / "negative.toml").write_text(
        (WORKFLOWS / "attachment.toml").read_text().replace("seed = 1\n", "seed = -1\n", 1)
    )
    (root / "negative_duration.toml").write_text(
        (WORKFLOWS / "attachment.toml")
        .read_text()
        .replace("duration_ps = 150", "duration_ps = -5", 1)
    )
    np.save(root / "flat.npy", np.zeros((16, 16)))
    np.save(root / "tiny.npy", np.ones((1, 1)))
    return root


CASES = [
    # (arguments with {IN} for the inputs folder and {OUT} for a fresh output, named value)
    (
        [
            "build",
            "polycrystal",
            "--radius",
            "8",
            "--grains",
            "2",
            "--seed",
            "-1",
            "-o",
            "{OUT}/a.extxyz",
        ],
        "-1",
    ),
    (["image", "{IN}/ico.extxyz", "-o", "{OUT}/x.tif", "--seed", "-1"], "-1"),
    (["image", "{IN}/ico.extxyz", "-o", "{OUT}/x.tif", "--random-orientation", "-1"], "-1"),
    (["md", "{IN}/ico.extxyz", "-o", "{OUT}/md", "--seed", "-1", "--duration-ps", "0.01"], "-1"),
    (["run", "{IN}/negative.toml", "--smoke", "-o", "{OUT}/run"], "seed = -1"),
    (["info", "{IN}/nan.extxyz"], "non-finite"),
    (["analyze", "{IN}/nan.extxyz", "-o", "{OUT}/analysis"], "non-finite"),
    (["run", "{IN}/latin1.toml", "-o", "{OUT}/run"], "utf-8"),
    (["md", "{IN}/ico.extxyz", "-o", "{OUT}/md", "--config", "{IN}/latin1.toml"], "utf-8"),
    (["image", "{IN}/ico.extxyz", "-o", "{OUT}/x.tif", "--dose", "1e30"], "1e+30"),
    (["image", "{IN}/ico.extxyz", "-o", "{OUT}/x.tif", "--rotation-deg-per-frame", "nan"], "nan"),
    (["run", str(WORKFLOWS / "attachment.toml"), "--replicas", "0", "-o", "{OUT}/run"], "0"),
    (
        [
            "compare",
            "measure",
            "{IN}/flat.npy",
            "--pixel-size",
            "0.2",
            "--frame-time",
            "-1",
            "-o",
            "{OUT}/m",
        ],
        "-1",
    ),
    (
        [
            "compare",
            "measure",
            "{IN}/flat.npy",
            "--pixel-size",
            "0.2",
            "--frame-time",
            "0",
            "-o",
            "{OUT}/m",
        ],
        "0",
    ),
    (
        [
            "compare",
            "measure",
            "{IN}/flat.npy",
            "--pixel-size",
            "0.2",
            "--frame-time",
            "nan",
            "-o",
            "{OUT}/m",
        ],
        "nan",
    ),
    (
        ["compare", "measure", "{IN}/flat.npy", "--pixel-size", "0.2", "-o", "{OUT}/m"],
        "no particle",
    ),
    (
        [
            "compare",
            "match",
            "{IN}/flat.npy",
            "{IN}/flat.npy",
            "--sim-pixel-size",
            "0.2",
            "--exp-pixel-size",
            "0.2",
            "-o",
            "{OUT}/m",
        ],
        "flat",
    ),
    (
        [
            "compare",
            "match",
            "{IN}/tiny.npy",
            "{IN}/tiny.npy",
            "--sim-pixel-size",
            "0.2",
            "--exp-pixel-size",
            "0.2",
            "-o",
            "{OUT}/m",
        ],
        "(1, 1)",
    ),
    (["md", "{IN}/ico.extxyz", "-o", "{OUT}/md", "--duration-ps", "0.001"], "0 steps"),
    (
        ["md", "{IN}/ico.extxyz", "-o", "{OUT}/md", "--wall-radius", "1", "--duration-ps", "0.01"],
        "--wall-radius 1",
    ),
    (["run", "{IN}/negative_duration.toml", "--smoke", "-o", "{OUT}/run"], "-5"),
]


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize(
    ("args", "named"), CASES, ids=[" ".join(c[0][:2]) + f" [{i}]" for i, c in enumerate(CASES)]
)
def test_bad_input_is_one_error_line_and_leaves_nothing(inputs, tmp_path, args, named):
    out = tmp_path / "out"
    out.mkdir()
    before_in, before_out = _tree(inputs), _tree(out)
    filled = [a.replace("{IN}", str(inputs)).replace("{OUT}", str(out)) for a in args]
    result = CliRunner().invoke(main, filled)
    assert result.exit_code == 2, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error:"), result.output
    assert named in last
    assert "Traceback" not in result.output
    assert _tree(out) == before_out
    assert _tree(inputs) == before_in
