"""One results database, many writers (issue 22): eight `aucluster stability` processes into
the same SQLite file or PostgreSQL database, with different and overlapping tables, lose no
row and duplicate none; a writer killed in the middle of a batch leaves none of it; the
PostgreSQL table equals the SQLite one and a rerun relaxes nothing."""

import subprocess
import sys
import textwrap

import pytest
from ase.db import connect

from aucluster.stability import compute_table, read_table
from aucluster.stability import table as table_module
from aucluster.stability.candidates import candidates, parse_motifs

#: Two overlapping tables: icosahedra in both, the rest in one each.
TABLES = ("icosahedron,octahedron", "icosahedron,ino-decahedron")
MAX_ATOMS = 100


def _keys(motifs: str) -> set[str]:
    return {
        table_module.table_key("emt", c, table_module.DEFAULT_FMAX)
        for c in candidates(parse_motifs(motifs), MAX_ATOMS)
    }


def _command(database: str, motifs: str, csv) -> list[str]:
    return [
        sys.executable, "-m", "aucluster.cli", "stability", "--potential", "emt",
        "--motifs", motifs, "--max-atoms", str(MAX_ATOMS), "--workers", "1",
        "--db", database, "--csv", str(csv),
    ]  # fmt: skip


def _eight_writers(database: str, tmp_path) -> list[str]:
    """Start 8 writers at once (4 per table); return the CSV texts in table order."""
    processes = []
    for i in range(8):
        csv = tmp_path / f"table{i}.csv"
        log = open(tmp_path / f"writer{i}.txt", "w")  # noqa: SIM115 - closed below
        command = _command(database, TABLES[i % 2], csv)
        processes.append((subprocess.Popen(command, stdout=log, stderr=log), log, csv))
    texts = []
    for i, (process, log, csv) in enumerate(processes):
        process.wait(timeout=600)
        log.close()
        output = (tmp_path / f"writer{i}.txt").read_text()
        assert process.returncode == 0, output
        assert "Traceback" not in output
        texts.append(csv.read_text())
    return texts


def _stored_keys(database: str) -> list[str]:
    with connect(database) as db:
        return [row.table_key for row in db.select(columns=["key_value_pairs"])]


def _check_eight_writers(database: str, tmp_path) -> None:
    texts = _eight_writers(database, tmp_path)
    stored = _stored_keys(database)
    assert len(stored) == len(set(stored)), "a row was written twice"
    assert set(stored) == _keys(TABLES[0]) | _keys(TABLES[1]), "a row was lost"
    for i in range(2, 8):  # every writer of a table wrote the same CSV
        assert texts[i] == texts[i % 2]
    n_rows = [len(text.splitlines()) - 1 for text in texts[:2]]
    assert n_rows == [len(_keys(TABLES[0])), len(_keys(TABLES[1]))]


@pytest.mark.slow
def test_eight_writers_into_one_sqlite_file_lose_and_duplicate_nothing(tmp_path):
    _check_eight_writers(str(tmp_path / "same.db"), tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_writers_into_one_postgresql_database_lose_and_duplicate_nothing(
    postgres_database, tmp_path
):
    _check_eight_writers(postgres_database, tmp_path)


_KILLED_MID_BATCH = textwrap.dedent(
    """
    import os, signal, sys
    from aucluster.stability import compute_table
    from aucluster.stability import table
    write_row, written = table._write_row, []

    def write_and_die(*args, **kwargs):
        write_row(*args, **kwargs)
        written.append(1)
        if len(written) == 3:  # three rows of the first batch written, not committed
            os.kill(os.getpid(), signal.SIGKILL)

    table._write_row = write_and_die
    compute_table(sys.argv[1], potential="emt", motifs="icosahedron,octahedron",
                  max_atoms=100, workers=1)
    """
)


def _check_killed_writer(database: str) -> None:
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_BATCH, database], check=False)
    assert killed.returncode == -9
    assert _stored_keys(database) == []  # the batch was one transaction: none of it is there
    run = compute_table(
        database, potential="emt", motifs="icosahedron,octahedron", max_atoms=100, workers=1
    )
    assert run.relaxed == len(_keys(TABLES[0]))
    stored = _stored_keys(database)
    assert sorted(stored) == sorted(_keys(TABLES[0]))


@pytest.mark.slow
def test_a_writer_killed_mid_batch_leaves_no_row_of_it_in_sqlite(tmp_path):
    _check_killed_writer(str(tmp_path / "killed.db"))


@pytest.mark.slow
@pytest.mark.postgres
def test_a_writer_killed_mid_batch_leaves_no_row_of_it_in_postgresql(postgres_database):
    _check_killed_writer(postgres_database)


@pytest.mark.postgres
def test_the_postgresql_table_equals_the_sqlite_one_and_a_rerun_relaxes_nothing(
    postgres_database, tmp_path, monkeypatch
):
    kwargs = {"potential": "emt", "motifs": "icosahedron,octahedron", "max_atoms": 60}
    sqlite_run = compute_table(tmp_path / "t.db", workers=1, **kwargs)
    postgres_run = compute_table(postgres_database, workers=1, **kwargs)
    assert postgres_run.rows == sqlite_run.rows
    assert postgres_run.relaxed == len(sqlite_run.rows) > 0

    def refuse(*args, **kwargs):
        raise AssertionError("a stored cluster was relaxed again")

    monkeypatch.setattr(table_module, "relax_candidate", refuse)
    again = compute_table(postgres_database, workers=1, **kwargs)
    assert again.relaxed == 0
    assert again.rows == read_table(postgres_database, potential="emt") == sqlite_run.rows


def test_an_unreachable_postgresql_server_is_one_error_naming_the_url():
    pytest.importorskip("ase_db_backends", reason="needs the postgres extra")
    from aucluster.errors import ParameterError

    with pytest.raises(ParameterError, match=r"cannot read database 'postgresql://nobody@"):
        table_module.check_database("postgresql://nobody@127.0.0.1:9/none")
