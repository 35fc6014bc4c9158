"""`aucluster detectability` on a tiny grid: its tables agree with each other and with the
rows they summarise, and the figure is written."""

import csv

from click.testing import CliRunner

from aucluster.cli import main


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_detectability_command_writes_consistent_tables(tmp_path):
    out = tmp_path / "d"
    args = ["detectability", "--radii", "10", "--grains", "1", "--motifs", "icosahedron"]
    args += ["--doses", "1e5", "--orientations", "2", "--min-strengths", "10,40"]
    args += ["--workers", "1", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = _rows(out / "detectability.csv")
    # 2 particles × 2 orientations × 1 dose × 1 frame sum × 3 thresholds (10, 40 and the
    # summary's 20, added)
    assert len(rows) == 12
    assert {r["min_strength"] for r in rows} == {"10.0", "20.0", "40.0"}
    assert {r["truth"] for r in rows} == {"single crystal", "multiply twinned"}
    summary = _rows(out / "detectability_summary.csv")
    assert sorted(r["truth"] for r in summary) == ["multiply twinned", "single crystal"]
    for s in summary:
        mine = [r for r in rows if r["truth"] == s["truth"] and r["min_strength"] == "20.0"]
        assert int(s["n_frames"]) == len(mine) == 2
        low, high = (float(x) for x in s["called_as_truth_ci95"].strip("[]").split(","))
        assert low <= float(s["called_as_truth"]) <= high
    roc = _rows(out / "detectability_roc.csv")
    assert [r["min_strength"] for r in roc] == ["10.0", "20.0", "40.0"]
    assert (out / "detectability.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "detectability_summary.csv.provenance.json").exists()
    again = CliRunner().invoke(main, args)  # outputs exist: refused, nothing changed
    assert again.exit_code == 2
    assert "--overwrite" in again.output
