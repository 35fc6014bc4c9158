"""`aucluster minima`: the seeded search's table, structures and figure, and its refusals."""

import csv

import pytest
from ase.io import read
from click.testing import CliRunner

from aucluster.cli import main
from aucluster.cli.minima import parse_sizes
from aucluster.errors import ParameterError
from aucluster.stability import relax
from aucluster.structures import build_octahedron


@pytest.mark.slow
def test_minima_reach_to38_from_the_motif_seeds_and_mark_it_magic(tmp_path):
    out = tmp_path / "minima"
    result = CliRunner().invoke(
        main,
        [
            "minima", "--sizes", "37-39", "--steps-per-size", "20", "--random-restarts", "0",
            "-o", str(out), "--workers", "1",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with open(out / "global_minima.csv", newline="") as handle:
        rows = {int(r["n_atoms"]): r for r in csv.DictReader(handle)}
    assert sorted(rows) == [37, 38, 39]
    to38 = relax(build_octahedron(4, 1), "emt", fmax=0.01).energy_eV
    assert float(rows[38]["energy_eV"]) == pytest.approx(to38, abs=1e-3)
    # Δ2E(38) = E(37) + E(39) − 2 E(38) from the three rows, and it is a peak (magic)
    d2 = (
        float(rows[37]["energy_eV"])
        + float(rows[39]["energy_eV"])
        - 2 * float(rows[38]["energy_eV"])
    )
    assert float(rows[38]["delta2_energy_eV"]) == pytest.approx(d2, abs=2e-6)
    assert d2 > 0
    assert rows[38]["magic"] == "1"
    assert rows[37]["delta2_energy_eV"] == ""  # no 36 searched: Δ2E undefined
    frames = read(out / "global_minima.extxyz", index=":")
    assert [len(f) for f in frames] == [37, 38, 39]
    assert (out / "global_minima.png").stat().st_size > 0
    assert float(rows[38]["pass2_gain_eV"]) >= 0
    assert all(rows[n]["neighbour_gap_eV"] != "" for n in (37, 38, 39))  # each has a neighbour
    assert "not converged" in result.output

    # the same search again, compared with the first: the same magic sizes on both sides
    again = CliRunner().invoke(
        main,
        [
            "minima", "--sizes", "37-39", "--steps-per-size", "20", "--random-restarts", "0",
            "-o", str(tmp_path / "again"), "--workers", "1",
            "--compare", str(out / "global_minima.csv"),
        ],
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "magic in both: 38\n" in again.output
    assert "only EMT: none\n" in again.output


@pytest.mark.parametrize("text", ["1-5", "13-x", "", "300"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(ParameterError, match="sizes"):
        parse_sizes(text)


def test_sizes_parse():
    assert parse_sizes("13-16") == [13, 14, 15, 16]
    assert parse_sizes("13,38") == [13, 38]
