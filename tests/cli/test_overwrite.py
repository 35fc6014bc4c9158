"""One rule for every command that writes outputs (issue 21, data loss 2): an existing output is
refused with one `Error:` line naming it and `--overwrite`, before any work and with nothing
changed; `--overwrite` replaces it."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from aucluster.cli import main


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def structure(tmp_path_factory):
    path = tmp_path_factory.mktemp("in") / "ico55.extxyz"
    result = CliRunner().invoke(main, ["build", "icosahedron", "--shells", "2", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


CASES = {
    "build": lambda s, o: ["build", "icosahedron", "--shells", "2", "-o", str(o / "x.extxyz")],
    "series": lambda s, o: ["series", "--max-atoms", "60", "-o", str(o / "series")],
    "image": lambda s, o: ["image", str(s), "-o", str(o / "x.tif"), "--size", "64", "--no-noise"],
    "analyze": lambda s, o: ["analyze", str(s), "-o", str(o / "analysis")],
    "stability": lambda s, o: [
        "stability",
        "--potential",
        "emt",
        "--motifs",
        "icosahedron",
        "--max-atoms",
        "60",
        "--workers",
        "1",
        "--db",
        str(o / "s.db"),
        "--csv",
        str(o / "s.csv"),
    ],
    "kinetics barriers": lambda s, o: [
        "kinetics",
        "barriers",
        "--n-atoms",
        "38",
        "--events",
        "corner",
        "-o",
        str(o / "bar"),
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_existing_output_is_refused_unless_overwrite(structure, tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    args = CASES[name](structure, out)
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    before = _snapshot(out)
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2, again.output
    last = again.output.strip().splitlines()[-1]
    assert last.startswith("Error: output ")
    assert "--overwrite" in last
    assert "Traceback" not in again.output
    assert _snapshot(out) == before  # nothing changed
    replaced = CliRunner().invoke(main, [*args, "--overwrite"])
    assert replaced.exit_code == 0, replaced.output


def test_compare_measure_and_match_refuse_an_existing_directory(structure, tmp_path):
    movie = tmp_path / "frame.tif"
    made = CliRunner().invoke(main, ["image", str(structure), "-o", str(movie), "--size", "96"])
    assert made.exit_code == 0, made.output
    out = tmp_path / "measured"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    for args in (
        ["compare", "measure", str(movie), "-o", str(out)],
        ["compare", "match", str(movie), str(movie), "-o", str(out)],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert "--overwrite" in result.output.strip().splitlines()[-1]
        assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
