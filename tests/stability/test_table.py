"""The database: rows with their key-value pairs, resumable, foreign files refused untouched."""

import hashlib
import json
from pathlib import Path

import pytest
from ase import Atoms
from ase.db import connect
from click.testing import CliRunner

from aucluster.cli import main
from aucluster.errors import ParameterError
from aucluster.stability import compute_table, read_table
from aucluster.stability import table as table_module


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def small_table(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "table.db"
    run = compute_table(
        path,
        potential="emt",
        motifs="icosahedron,octahedron,truncated-octahedron",
        max_atoms=90,
        workers=1,
    )
    return path, run


def test_rows_carry_key_value_pairs(small_table):
    path, run = small_table
    assert run.relaxed == len(run.rows) > 0
    assert run.reused == 0
    with connect(path) as db:
        row = next(db.select(motif="icosahedron", n_atoms=55))
        assert row.potential == "emt"
        assert row.parameters == "n_shells=3"
        assert row.point_group == "Ih"
        assert row.converged
        assert row.energy == pytest.approx(row.energy_eV)  # the stored structure's energy
        assert row.natoms == 55
        assert db.metadata["aucluster"] == "stability-table"


def test_rerun_relaxes_nothing(small_table, monkeypatch):
    path, run = small_table

    def refuse(*args, **kwargs):
        raise AssertionError("a stored cluster was relaxed again")

    monkeypatch.setattr(table_module, "relax_candidate", refuse)
    again = compute_table(
        path,
        potential="emt",
        motifs="icosahedron,octahedron,truncated-octahedron",
        max_atoms=90,
        workers=1,
    )
    assert again.relaxed == 0
    assert again.rows == run.rows


def test_incremental_growth_relaxes_only_the_new_sizes(small_table, tmp_path):
    path, run = small_table
    copy = tmp_path / "copy.db"
    copy.write_bytes(path.read_bytes())
    grown = compute_table(
        copy,
        potential="emt",
        motifs="icosahedron,octahedron,truncated-octahedron",
        max_atoms=150,
        workers=1,
    )
    assert grown.reused == len(run.rows)
    assert grown.relaxed == len([r for r in grown.rows if r.n_atoms > 90])
    assert {r.motif for r in read_table(str(copy), potential="emt")} == {
        "icosahedron",
        "octahedron",
        "truncated-octahedron",
    }


@pytest.mark.slow
def test_dask_local_cluster_gives_the_serial_numbers(small_table, tmp_path):
    _path, run = small_table
    parallel = compute_table(
        tmp_path / "p.db",
        potential="emt",
        motifs="icosahedron,octahedron,truncated-octahedron",
        max_atoms=90,
        workers=2,
    )
    assert [r.energy_eV for r in parallel.rows] == pytest.approx(
        [r.energy_eV for r in run.rows], abs=1e-9
    )


def test_foreign_and_unreadable_databases_are_refused_unchanged(tmp_path):
    foreign = tmp_path / "foreign.db"
    with connect(foreign) as db:
        db.write(Atoms("H"), project=1)
    text = tmp_path / "notes.db"
    text.write_text("not a database")
    for path, message in [
        (foreign, "not an aucluster stability table"),
        (text, "not an SQLite file"),
    ]:
        before = _digest(path)
        with pytest.raises(ParameterError, match=message):
            compute_table(path, max_atoms=20, workers=1)
        assert _digest(path) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--motifs", "icosahedron,blob"], "blob"),
        (["--potential", "lj"], "lj"),
        (["--max-atoms", "12"], "≥ 13"),
    ],
)
def test_cli_bad_input_leaves_the_database_unchanged(small_table, tmp_path, args, message):
    path, _ = small_table
    before = _digest(path)
    result = CliRunner().invoke(
        main, ["stability", "--db", str(path), "--csv", str(tmp_path / "t.csv"), *args]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert _digest(path) == before
    assert not (tmp_path / "t.csv").exists()


def test_cli_writes_table_fits_crossovers_and_figure(small_table, tmp_path):
    path, run = small_table
    copy = tmp_path / "t.db"
    copy.write_bytes(path.read_bytes())
    out = tmp_path / "emt.csv"
    result = CliRunner().invoke(
        main,
        [
            "stability",
            "--db",
            str(copy),
            "--csv",
            str(out),
            "--plot",
            str(tmp_path / "emt.png"),
            "--motifs",
            "icosahedron,octahedron,truncated-octahedron",
            "--max-atoms",
            "90",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "0 relaxed now" in result.output
    lines = out.read_text().splitlines()
    assert lines[0].startswith(
        "n_atoms,motif,structural_class,parameters,potential,gupta_cutoff,energy_eV"
    )
    assert len(lines) == len(run.rows) + 1
    assert (tmp_path / "emt_crossovers.csv").exists()
    assert (tmp_path / "emt_fits.csv").exists()
    assert (tmp_path / "emt.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "emt.csv.provenance.json").exists()


def test_cli_free_energies_are_written_with_their_settings_in_provenance(small_table, tmp_path):
    path, _ = small_table
    copy = tmp_path / "t.db"
    copy.write_bytes(path.read_bytes())
    out = tmp_path / "emt.csv"
    args = ["stability", "--db", str(copy), "--csv", str(out), "--motifs", "icosahedron"]
    args += ["--max-atoms", "90", "--workers", "1", "--temperatures", "300,600"]
    result = CliRunner().invoke(main, [*args, "--free-energy-max-atoms", "20"])
    assert result.exit_code == 0, result.output
    free = tmp_path / "emt_free_energy.csv"
    assert free.exists()
    for table in (out, free):
        settings = json.loads(Path(f"{table}.provenance.json").read_text())["settings"]
        assert settings["temperatures_K"] == [300.0, 600.0]
        assert settings["free_energy_max_atoms"] == 20
