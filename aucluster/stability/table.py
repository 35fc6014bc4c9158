"""Stability tables in an ASE database: relax every candidate once, keep every result.

Each relaxed cluster is one row (its relaxed structure and energy) with key-value pairs
`table_key, motif, parameters, potential, gupta_cutoff, n_atoms, energy_eV, energy_per_atom_eV,
delta_eV, bulk_energy_eV, point_group, fmax_eV_per_A, start_lattice_constant_A, relax_steps,
converged`. A row is written as soon as its relaxation finishes (in batches of `WRITE_BATCH`,
flushed on interruption too), and a rerun relaxes only what is missing (`table_key` =
potential | motif | parameters | fmax, then | cutoff=… for a Gupta cutoff other than asap3's
and | a0=… for a start lattice constant other than the potential's own).

The database is an SQLite file by default or any URL `ase.db.connect` takes (a
``postgresql://`` URL works the same; the ``postgres`` extra). Its metadata carry `aucluster:
stability-table`; an ASE database with other rows and no such mark is refused as foreign, never
written to.

Many writers may share one database (tables computed at once on several machines, with the
same or overlapping keys): each batch is one transaction under the database's writer lock
(SQLite ``BEGIN IMMEDIATE``; a PostgreSQL transaction-scoped advisory lock), which first skips
the keys another writer stored meanwhile. So no row is lost or duplicated, and a writer killed
mid-batch leaves none of it.
"""

import contextlib
import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator

from aucluster.errors import ParameterError
from aucluster.parallel import BatchCluster, check_workers, map_unordered
from aucluster.potentials import Potential
from aucluster.potentials.gupta import GuptaCutoff
from aucluster.stability.bulk import BulkReference, bulk_reference
from aucluster.stability.candidates import Candidate, candidates, check_max_atoms, parse_motifs
from aucluster.stability.energetics import excess_energy
from aucluster.stability.relax import DEFAULT_FMAX, DEFAULT_MAX_STEPS, check_fmax, relax
from aucluster.structures.motif import Motif
from aucluster.structures.symmetry import point_group

#: Metadata mark of an aucluster stability database.
TABLE_MARK = {"aucluster": "stability-table", "format": 1}
#: Point groups above this size are not computed by default (pymatgen: ~1 s at 2,000 atoms).
DEFAULT_POINT_GROUP_MAX_ATOMS = 300

#: Rows written per database transaction.
WRITE_BATCH = 20

_SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True, kw_only=True)
class TableRow:
    """One relaxed cluster as the table reports it."""

    motif: str
    parameters: str
    potential: str
    n_atoms: int
    #: The Gupta cutoff ("asap3", a radius in Å, "none"); "" for EMT.
    gupta_cutoff: str = ""
    #: The database row's identity (`table_key`).
    table_key: str = ""
    energy_eV: float
    energy_per_atom_eV: float
    delta_eV: float
    point_group: str
    relax_steps: int
    converged: bool


def table_key(
    potential: str,
    candidate: Candidate,
    fmax: float,
    *,
    gupta_cutoff: str = "",
    start_lattice_constant: float | None = None,
) -> str:
    """The row's identity; tables made with the default cutoff and start keep their keys."""
    key = f"{potential}|{candidate.motif}|{candidate.describe_parameters()}|{fmax:g}"
    if gupta_cutoff not in ("", "asap3"):
        key += f"|cutoff={gupta_cutoff}"
    if start_lattice_constant is not None:
        key += f"|a0={start_lattice_constant:g}"
    return key


def _is_url(name: str) -> bool:
    return "://" in name


def check_database(name: str | os.PathLike) -> str:
    """Refuse, before anything is written, a database that cannot be read or is foreign.

    A missing SQLite file is fine (it is created on the first row).
    """
    name = str(name)
    if not _is_url(name):
        path = Path(name)
        if path.is_dir():
            raise ParameterError(f"database {name!r} is a directory, not an SQLite file")
        if not path.exists():
            if not path.parent.exists():
                raise ParameterError(
                    f"database {name!r}: directory {str(path.parent)!r} is missing"
                )
            return name
        with open(path, "rb") as handle:
            header = handle.read(16)
            # empty: just created by a concurrent writer that has not committed its first row
            # (reading it would create the tables outside that writer's lock)
            if not header:
                return name
            if header != _SQLITE_HEADER:
                raise ParameterError(
                    f"database {name!r} is not an SQLite file (an ASE database: .db, or a "
                    "postgresql:// URL)"
                )

    try:
        with _session(name) as db:
            metadata = db.metadata
            count = db.count()
    except ImportError as exc:  # ASE's PostgreSQL backend lives in another package
        raise ParameterError(
            f"database {name!r} needs the postgres extra ({exc.name} is missing): "
            "pip install 'aucluster[postgres]'"
        ) from None
    except Exception as exc:  # sqlite3, psycopg2 and ase errors alike
        reason = " ".join(str(exc).split())  # psycopg2's span lines: one line here
        raise ParameterError(f"cannot read database {name!r}: {reason}") from None
    if metadata.get("aucluster") != TABLE_MARK["aucluster"] and (count or metadata):
        raise ParameterError(
            f"database {name!r} is not an aucluster stability table ({count} foreign rows); "
            "choose another file"
        )
    return name


def _connect(name: str):
    import ase.db

    return ase.db.connect(name) if _is_url(name) else ase.db.connect(name, type="db")


#: The PostgreSQL advisory lock the writers of a table take (any fixed 32-bit number).
_PG_LOCK = zlib.crc32(b"aucluster stability table")


def _is_postgres(db) -> bool:
    return getattr(db, "type", "") == "postgresql"


def _lock(db) -> None:
    """Take the writer lock for the rest of the current transaction (waits for others)."""
    if _is_postgres(db):
        db.connection.cursor().execute("SELECT pg_advisory_xact_lock(?)", [_PG_LOCK])
    elif not db.connection.in_transaction:
        db.connection.execute("BEGIN IMMEDIATE")  # waits up to ASE's 20 s busy timeout


@contextlib.contextmanager
def _session(name: str, *, write: bool = False) -> Iterator[Any]:
    """One connection to the database `name` as one transaction, committed at the end and
    rolled back on an error. A writing session holds the writer lock from the start, and so
    does every PostgreSQL session: ASE creates the tables at a connection's first use and
    two processes creating them at once collide. (An SQLite file's tables are created by its
    first writer, in the same transaction as its first rows.)"""
    db = _connect(name)
    with db:
        if not hasattr(db.connection, "rollback"):  # ase-db-backends' PostgreSQL wrapper
            db.connection.rollback = db.connection.con.rollback
        if write or _is_postgres(db):
            _lock(db)
            db.count()  # creates the tables on first use, and ASE commits that at once...
            _lock(db)  # ...which ends the transaction: lock again
        yield db


def _stored(name: str) -> bool:
    """Whether the SQLite file or server database has been written to (reading a missing
    or just-created SQLite file would create it)."""
    if _is_url(name):
        return True
    path = Path(name)
    return path.exists() and path.stat().st_size > 0


def done_keys(name: str) -> set[str]:
    """`table_key`s already in the database (empty if it does not exist yet)."""
    if not _stored(name):
        return set()
    with _session(name) as db:
        return {row.table_key for row in db.select(columns=["key_value_pairs"])}


def relax_candidate(
    candidate: Candidate,
    *,
    potential: str,
    element: str,
    a0: float,
    fmax: float,
    max_steps: int,
    point_group_max_atoms: int,
    gupta_cutoff: str = "asap3",
) -> dict[str, Any]:
    """Build and relax one candidate (a Dask task: inputs and output are small and picklable)."""
    relaxed = relax(
        candidate.build(element, a0),
        potential,
        fmax=fmax,
        max_steps=max_steps,
        gupta_cutoff=gupta_cutoff if potential == Potential.GUPTA else None,
    )
    group = point_group(relaxed.atoms) if len(relaxed.atoms) <= point_group_max_atoms else ""
    return {
        "numbers": relaxed.atoms.numbers,
        "positions": relaxed.atoms.positions,
        "cell": np.asarray(relaxed.atoms.cell),
        "energy_eV": relaxed.energy_eV,
        "n_steps": relaxed.n_steps,
        "converged": relaxed.converged,
        "point_group": group,
    }


def _write_row(
    db,
    candidate: Candidate,
    result: dict,
    potential: str,
    fmax: float,
    ref: BulkReference,
    *,
    key: str,
    start_lattice_constant: float,
) -> None:
    atoms = Atoms(numbers=result["numbers"], positions=result["positions"], cell=result["cell"])
    atoms.calc = SinglePointCalculator(atoms, energy=result["energy_eV"])
    n = len(atoms)
    db.write(
        atoms,
        table_key=key,
        motif=str(candidate.motif),
        parameters=candidate.describe_parameters(),
        potential=potential,
        gupta_cutoff=ref.gupta_cutoff,
        n_atoms=n,
        energy_eV=result["energy_eV"],
        energy_per_atom_eV=result["energy_eV"] / n,
        delta_eV=excess_energy(result["energy_eV"], n, ref.energy_per_atom_eV),
        bulk_energy_eV=ref.energy_per_atom_eV,
        point_group=result["point_group"],
        fmax_eV_per_A=fmax,
        start_lattice_constant_A=start_lattice_constant,
        relax_steps=int(result["n_steps"]),
        converged=bool(result["converged"]),
    )


@dataclass(frozen=True, kw_only=True)
class TableRun:
    """What `compute_table` did: the rows of the requested table and how many it relaxed."""

    rows: list[TableRow]
    relaxed: int
    reused: int
    bulk: BulkReference


def check_gupta_cutoff(potential, cutoff) -> GuptaCutoff:
    """The parsed cutoff; a cutoff other than asap3's is refused for EMT."""
    parsed = GuptaCutoff.parse(cutoff if cutoff is not None else "asap3")
    if parsed.kind != "asap3" and _check_potential(potential) is not Potential.GUPTA:
        raise ParameterError(
            f"Gupta cutoff {cutoff}: a setting of the Gupta potential, not of {potential}"
        )
    return parsed


def check_start_lattice_constant(a0: float | None, element: str = "Au") -> float | None:
    """None (the potential's own) or a lattice constant within ±10 % of the element's."""
    if a0 is None:
        return None
    from aucluster.structures.elements import lattice_constant

    ref = lattice_constant(element)
    if not np.isfinite(a0) or not 0.9 * ref <= a0 <= 1.1 * ref:
        raise ParameterError(
            f"start lattice constant {a0!r} Å: must lie within ±10 % of {element}'s {ref:g} Å"
        )
    return float(a0)


def _check_potential(potential) -> Potential:
    try:
        return Potential(potential)
    except ValueError:
        allowed = ", ".join(str(p) for p in Potential)
        raise ParameterError(f"unknown potential {potential!r}: allowed are {allowed}") from None


@dataclass(frozen=True, kw_only=True)
class StabilitySettings:
    """What a stability table covers (a scenario's ``[stability]`` table): the potential,
    the motif families ("all", comma-separated names or a list), the largest cluster and the
    Gupta cutoff ("asap3", a radius in Å or "none"; `aucluster.potentials.gupta`)."""

    potential: Potential = Potential.EMT
    motifs: str | tuple[str, ...] = "all"
    max_atoms: int = 1000
    gupta_cutoff: str = "asap3"

    def __post_init__(self) -> None:
        object.__setattr__(self, "potential", _check_potential(self.potential))
        cutoff = check_gupta_cutoff(self.potential, self.gupta_cutoff)
        object.__setattr__(self, "gupta_cutoff", str(cutoff))
        parse_motifs(self.motifs)
        check_max_atoms(self.max_atoms)


_DEFAULT = StabilitySettings()


def compute_table(
    database: str | os.PathLike,
    *,
    potential: Potential | str = _DEFAULT.potential,
    motifs: Sequence[Motif | str] | str = _DEFAULT.motifs,
    max_atoms: int = _DEFAULT.max_atoms,
    element: str = "Au",
    fmax: float = DEFAULT_FMAX,
    max_steps: int = DEFAULT_MAX_STEPS,
    point_group_max_atoms: int = DEFAULT_POINT_GROUP_MAX_ATOMS,
    gupta_cutoff: GuptaCutoff | str | None = None,
    start_lattice_constant: float | None = None,
    workers: int | None = None,
    scheduler: "str | BatchCluster | None" = None,
    progress: Callable[[int, int], None] | None = None,
) -> TableRun:
    """Relax every candidate not yet in `database` and return the whole requested table.

    `motifs` is a list or comma-separated names, or "all". `gupta_cutoff`: the Gupta
    potential's cutoff (asap3's default when None). The clusters are built at
    `start_lattice_constant` [Å] (the potential's own bulk lattice constant when None) and
    relaxed. `progress(done, total)` is called after each relaxation. Bad input raises
    `ParameterError` before the database is touched.
    """
    cutoff = str(check_gupta_cutoff(potential, gupta_cutoff))
    potential = str(_check_potential(potential))
    motif_list = parse_motifs(motifs)
    check_max_atoms(max_atoms)
    fmax = check_fmax(fmax)
    check_workers(workers)
    name = check_database(database)
    wanted = candidates(motif_list, max_atoms)
    check_start_lattice_constant(start_lattice_constant, element)
    ref = bulk_reference(potential, element, cutoff if potential == Potential.GUPTA else None)
    a0 = ref.lattice_constant_A if start_lattice_constant is None else start_lattice_constant

    def key(c: Candidate) -> str:
        return table_key(
            potential,
            c,
            fmax,
            gupta_cutoff=ref.gupta_cutoff,
            start_lattice_constant=start_lattice_constant,
        )

    done = done_keys(name)
    todo = [c for c in wanted if key(c) not in done]
    todo.sort(key=lambda c: -c.n_atoms)  # largest first: the last tasks are the short ones
    if progress is not None:
        progress(0, len(todo))
    if todo:
        tasks = map_unordered(  # workers checked, scheduler reached: before the first write
            relax_candidate,
            todo,
            workers=workers,
            scheduler=scheduler,
            potential=potential,
            element=element,
            a0=a0,
            fmax=fmax,
            max_steps=max_steps,
            point_group_max_atoms=point_group_max_atoms,
            gupta_cutoff=cutoff,
        )
        try:
            with _session(name, write=True) as db:
                if db.metadata.get("aucluster") != TABLE_MARK["aucluster"]:
                    db.metadata = {**TABLE_MARK, "element": element}
        except BaseException:
            tasks.close()
            raise
        pending: list[tuple[Candidate, dict]] = []

        def flush() -> None:
            # one transaction per batch: one fsync, not one per row; the keys stored by
            # another writer since this table started are skipped, under the lock
            with _session(name, write=True) as db:
                for candidate, result in pending:
                    if not db.count(table_key=key(candidate)):
                        _write_row(
                            db,
                            candidate,
                            result,
                            potential,
                            fmax,
                            ref,
                            key=key(candidate),
                            start_lattice_constant=a0,
                        )
            pending.clear()

        try:
            for count, (index, result) in enumerate(tasks, start=1):
                pending.append((todo[index], result))
                if len(pending) >= WRITE_BATCH:
                    flush()
                if progress is not None:
                    progress(count, len(todo))
        finally:  # an interrupted table keeps every relaxation that finished
            if pending:
                flush()
    rows = read_table(name, potential=potential, keys={key(c) for c in wanted})
    return TableRun(rows=rows, relaxed=len(todo), reused=len(wanted) - len(todo), bulk=ref)


def read_table(name: str, *, potential: str, keys: set[str] | None = None) -> list[TableRow]:
    """Rows of one potential (optionally only the given table keys), by size then motif."""
    rows = []
    seen: set[str] = set()
    with _session(name) as db:
        # by id: a database written by several writers before they took the lock may hold
        # a key twice; its first row counts
        for row in db.select(potential=potential, columns=["id", "key_value_pairs"], sort="id"):
            if (keys is not None and row.table_key not in keys) or row.table_key in seen:
                continue
            seen.add(row.table_key)
            rows.append(
                TableRow(
                    motif=row.motif,
                    parameters=row.parameters,
                    potential=row.potential,
                    gupta_cutoff=row.get(
                        "gupta_cutoff", "asap3" if row.potential == "gupta" else ""
                    ),
                    n_atoms=int(row.n_atoms),
                    energy_eV=float(row.energy_eV),
                    energy_per_atom_eV=float(row.energy_per_atom_eV),
                    delta_eV=float(row.delta_eV),
                    point_group=row.point_group,
                    relax_steps=int(row.relax_steps),
                    converged=bool(row.converged),
                    table_key=row.table_key,
                )
            )
    return sorted(rows, key=lambda r: (r.n_atoms, r.motif, r.parameters))


def read_structures(name: str, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The relaxed structures (numbers, positions, cell) stored under the given table keys
    (the first row of each)."""
    wanted = set(keys)
    found: dict[str, dict[str, Any]] = {}
    with _session(name) as db:
        for row in db.select(sort="id"):
            if row.table_key in wanted and row.table_key not in found:
                found[row.table_key] = {
                    "numbers": row.numbers,
                    "positions": row.positions,
                    "cell": np.asarray(row.cell),
                }
    missing = wanted - found.keys()
    if missing:
        raise ParameterError(f"database {name!r} lacks {len(missing)} of the structures asked for")
    return found
