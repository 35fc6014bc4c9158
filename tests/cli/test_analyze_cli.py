"""`aucluster analyze` through CliRunner: outputs other tools can open, and refusals."""

import csv
import json

import numpy as np
import pytest
from ase.io import read, write
from click.testing import CliRunner

from aucluster.cli import main
from aucluster.structures import build_decahedron, build_icosahedron
from tests.analysis.test_events import _scripted_trajectory
from tests.reference import ovito_adaptive_cna


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_trajectory_gives_tables_labels_and_figure(tmp_path):
    frames, truth = _scripted_trajectory()  # 13 frames 0.5 ps apart
    source = tmp_path / "scripted.extxyz"
    write(source, frames)
    out = tmp_path / "analysis"
    result = invoke(
        "analyze", source, "-o", out, "--lindemann-window", 3, "--labels", "instantaneous"
    )
    assert result.exit_code == 0, result.output
    assert "13 frames" in result.output

    rows = _rows(out / "frames.csv")
    assert [float(r["time_ps"]) for r in rows] == [0.5 * k for k in range(13)]
    assert {
        "crystalline_fraction",
        "crystalline_fraction_interior",
        "core_radius_A",
        "n_grains",
        "n_cloud_dimers",
        "twin_migration_A_per_ps",
    } <= set(rows[0])
    assert rows[0]["motif"] == "icosahedral"
    # Lindemann blocks of 3 frames: reported on frames 2, 5, 8, 11 only.
    assert [r["lindemann_index"] != "nan" for r in rows] == [False, False, True] * 4 + [False]

    events = _rows(out / "events.csv")
    coalescence = [e for e in events if e["kind"] == "coalescence"]
    assert len(coalescence) == 1
    assert coalescence[0]["frame"] == "7"
    assert tuple(int(a) for a in coalescence[0]["atoms"].split()) == truth["small"]
    assert float(coalescence[0]["time_ps"]) == 3.5
    assert coalescence[0]["outcome"] in {"recrystallised", "twin", "own grain", "disordered"}
    rates = _rows(out / "rates.csv")
    assert {r["kind"] for r in rates} == {"detach", "attach"}
    necks = _rows(out / "necks.csv")
    assert [int(r["frame"]) for r in necks] == list(range(7, 13))
    assert (out / "twins.csv").exists()

    labelled = read(out / "labels.extxyz", index=":")
    assert len(labelled) == 13
    for name in ("cna", "grain", "region", "five_fold"):
        assert labelled[0].arrays[name].shape == (len(frames[0]),)
    assert (out / "timeseries.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    record = json.loads((out / "frames.csv.provenance.json").read_text())
    assert str(source) in record["inputs"]
    assert record["settings"]["lindemann_window"] == 3
    assert record["settings"]["labels"] == "instantaneous"


def test_labels_are_quenched_by_default_and_the_input_is_untouched(tmp_path):
    # a hot icosahedron: quenched labels (the default) are the ideal Ih55's, and the
    # trajectory file is not changed by the quench
    ico = build_icosahedron(3)
    hot = ico.copy()
    hot.positions += np.random.default_rng(1).normal(0.0, 0.12, hot.positions.shape)
    source = tmp_path / "hot.extxyz"
    write(source, hot)
    before = source.read_bytes()
    assert invoke("analyze", source, "-o", tmp_path / "q").exit_code == 0
    assert (
        invoke("analyze", source, "-o", tmp_path / "i", "--labels", "instantaneous").exit_code == 0
    )
    assert source.read_bytes() == before
    quenched = read(tmp_path / "q" / "labels.extxyz")
    assert quenched.arrays["cna"].tolist() == ovito_adaptive_cna(ico).tolist()
    assert _rows(tmp_path / "q" / "frames.csv")[0]["motif"] == "icosahedral"


def test_single_structure(tmp_path):
    source = tmp_path / "dh.extxyz"
    write(source, build_decahedron(4, 2, 2))
    result = invoke("analyze", source, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (row,) = _rows(tmp_path / "out" / "frames.csv")
    assert row["motif"] == "decahedral"
    assert row["n_grains"] == "5"
    assert row["n_twins"] == "5"
    labelled = read(tmp_path / "out" / "labels.extxyz")
    # the labels written are OVITO's adaptive CNA of the same structure, atom for atom
    assert labelled.arrays["cna"].tolist() == ovito_adaptive_cna(labelled).tolist()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not a structure\n", "cannot read"),
        ("1\n\nAu 0 0 0\n", "needs ≥ 2 atoms"),
        ("0\n\n", "no atoms"),
    ],
)
def test_bad_files_are_refused(tmp_path, content, message):
    source = tmp_path / "bad.xyz"
    source.write_text(content)
    result = CliRunner().invoke(main, ["analyze", str(source), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1  # one line, no traceback
    assert not (tmp_path / "o").exists()


def test_frames_of_different_sizes_are_refused(tmp_path):
    source = tmp_path / "mixed.extxyz"
    write(source, [build_icosahedron(3), build_icosahedron(4)])
    result = CliRunner().invoke(main, ["analyze", str(source), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "same atoms in every frame" in result.output
    assert not (tmp_path / "o").exists()


def test_bad_settings_are_refused(tmp_path):
    source = tmp_path / "ico.extxyz"
    write(source, build_icosahedron(3))
    for option, value, name in (
        ("--max-misorientation", 75, "max_misorientation_deg"),
        ("--rmsd-max", 0, "rmsd_max"),
        ("--bond-cutoff", -1, "bond_cutoff"),
        ("--lindemann-window", -2, "lindemann_window"),
        ("--lindemann-window", 1, "lindemann_window"),
    ):
        result = CliRunner().invoke(
            main, ["analyze", str(source), "-o", str(tmp_path / "o"), option, str(value)]
        )
        assert result.exit_code == 2, option
        assert name in result.output
        assert not (tmp_path / "o").exists()
