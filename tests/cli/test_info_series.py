"""`aucluster info` and `aucluster series` through CliRunner."""

import csv
import json

import pytest
from ase.io import read
from click.testing import CliRunner

from aucluster.cli import main
from aucluster.structures import build_icosahedron


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_info_describes_a_built_file(tmp_path):
    path = tmp_path / "ico.extxyz"
    invoke("build", "icosahedron", "--shells", 3, "-o", path)
    result = invoke("info", path)
    assert result.exit_code == 0, result.output
    assert "55 (Au55)" in result.output
    assert "icosahedron" in result.output
    assert "point group        Ih" in result.output
    assert "11.540 Å" in result.output  # diameter: 4 radial bonds of a0/√2 across the centre


def test_info_json_matches_the_library(tmp_path):
    path = tmp_path / "ico.extxyz"
    atoms = build_icosahedron(3)
    atoms.write(path)
    result = invoke("info", path, "--json")
    record = json.loads(result.output)
    assert record["n_atoms"] == 55
    assert record["point_group"] == "Ih"
    assert record["n_surface_atoms"] == 42
    assert record["diameter"] == pytest.approx(4 * 4.08 / 2**0.5)


def test_info_errors(tmp_path):
    result = invoke("info", tmp_path / "nope.extxyz")
    assert result.exit_code == 2
    assert "does not exist" in result.output
    junk = tmp_path / "junk.extxyz"
    junk.write_text("this is not a structure\n")
    result = invoke("info", junk)
    assert result.exit_code == 2
    assert result.output.startswith("Error: cannot read")
    assert len(result.output.strip().splitlines()) == 1


def test_series_writes_table_structures_and_figure(tmp_path):
    out = tmp_path / "series"
    result = invoke(
        "series", "-o", out, "--max-atoms", 150, "--motifs", "icosahedron,truncated-octahedron"
    )
    assert result.exit_code == 0, result.output
    with open(out / "series.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["motif"], int(r["n_atoms"])) for r in rows] == [
        ("icosahedron", 1),
        ("icosahedron", 13),
        ("icosahedron", 55),
        ("icosahedron", 147),
        ("truncated-octahedron", 38),
    ]
    assert [r["point_group"] for r in rows] == ["Kh", "Ih", "Ih", "Ih", "Oh"]
    frames = read(out / "series.extxyz", index=":")
    assert [len(f) for f in frames] == [1, 13, 55, 147, 38]
    assert (out / "series.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for name in ("series.csv", "series.extxyz", "series.png"):
        assert (out / f"{name}.provenance.json").exists()


def test_series_rejects_unknown_motif(tmp_path):
    result = invoke("series", "-o", tmp_path / "s", "--motifs", "icosahedron,blob")
    assert result.exit_code == 2
    assert "blob" in result.output
    assert not (tmp_path / "s").exists()
