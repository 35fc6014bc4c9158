"""Write files so that a failure never leaves a half-written output behind.

`atomic_output(path)` yields a temporary name in the same directory (same extension, so
format detection by suffix still works); on success it is renamed onto `path` in one step
(`os.replace`), on any error it is deleted.
"""

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aucluster.errors import ParameterError


def check_writable(path: str | os.PathLike) -> Path:
    """Return `path` as a Path if a file can be created there, else raise `ParameterError`.

    Checked before long work starts, so a bad output path fails fast: a file is created and
    removed in the directory, since permission bits can say yes where the file system says
    no (root, /proc, a read-only mount).
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ParameterError(f"output {str(path)!r} is a directory, expected a file name")
    if not parent.is_dir():
        raise ParameterError(f"output directory {str(parent)!r} does not exist")
    _probe(parent, path)
    return path


def check_output_dir(path: str | os.PathLike) -> Path:
    """Return `path` as a Path if it is a directory or can be made one, without making it
    (so that an error or Ctrl-C before the outputs are written leaves nothing behind)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ParameterError(f"output {str(path)!r} exists and is not a directory")
    ancestor = path
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ParameterError(
            f"cannot create output directory {str(path)!r}: {str(ancestor)!r} is not a directory"
        )
    _probe(ancestor, path)
    return path


def _probe(directory: Path, output: Path) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=".aucluster-probe.", dir=directory)
    except OSError as exc:
        raise ParameterError(
            f"cannot write {str(output)!r}: {str(directory)!r}: {exc.strerror}"
        ) from None
    os.close(fd)
    os.unlink(tmp)


def refuse_existing(paths, overwrite: bool) -> None:
    """Unless `overwrite`: raise `ParameterError` if any of `paths` exists (a file, or a
    directory that is not empty). Called before any work, so nothing is changed."""
    if overwrite:
        return
    for path in paths:
        if path is None:
            continue
        path = Path(path)
        if path.is_file() or (path.is_dir() and any(path.iterdir())):
            raise ParameterError(
                f"output {str(path)!r} exists: give --overwrite to replace it (nothing was changed)"
            )


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """Context manager yielding a temporary path that becomes `path` when the block succeeds."""
    path = check_writable(path)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=path.suffix or ".tmp", dir=path.parent
        )
    except OSError as exc:  # permission bits say yes but the file system says no (root, /proc)
        raise ParameterError(
            f"cannot create a file in {str(path.parent)!r}: {exc.strerror}"
        ) from None
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)  # mkstemp makes 0600 files; give the usual permissions instead
    os.umask(umask)
    tmp_path.chmod(0o666 & ~umask)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def make_output_dir(path: str | os.PathLike) -> Path:
    """Create the output directory `path` (and parents) or raise `ParameterError` saying why."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ParameterError(f"output {str(path)!r} exists and is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(
            f"cannot create output directory {str(path)!r}: {exc.strerror}"
        ) from None
    return path


def write_json(path: str | os.PathLike, data) -> Path:
    """Write `data` as indented, key-sorted JSON to `path`, atomically."""
    import json

    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return Path(path)


def write_csv(
    path: str | os.PathLike,
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    columns: Sequence[str],
) -> Path:
    """Write a CSV table atomically: a header of `columns`, then one line per row (a dict
    keyed by the columns, or a sequence in their order). Values are written as `csv` does
    (``str``; floats by their repr)."""
    with atomic_output(path) as tmp, open(tmp, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            if isinstance(row, Mapping):
                extra = set(row) - set(columns)
                if extra:
                    raise ValueError(f"row keys {sorted(extra)} are not columns of {path}")
                writer.writerow([row.get(c, "") for c in columns])
            else:
                writer.writerow(row)
    return Path(path)


def read_csv(path: str | os.PathLike) -> list[dict[str, str]]:
    """The rows of a CSV table with a header, as dicts of strings."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def structure_format(path: str | os.PathLike) -> str:
    """ASE format name for writing `path`, chosen by its extension ('.xyz' → extxyz).

    Raises `ParameterError` for an extension ASE cannot write, before any work is done.
    """
    from ase.io.formats import UnknownFileTypeError, filetype, ioformats

    try:
        fmt = filetype(str(path), read=False)
    except UnknownFileTypeError:
        fmt = None
    if fmt == "xyz":
        fmt = "extxyz"  # plain xyz loses the cell and per-atom arrays
    if fmt is None or fmt not in ioformats or not ioformats[fmt].can_write:
        raise ParameterError(
            f"cannot write structures to {str(path)!r}: use an ASE format extension "
            "such as .extxyz, .xyz, .traj, .cif, .vasp or .pdb"
        )
    return fmt


def write_structures(path: str | os.PathLike, images) -> Path:
    """Write one `Atoms` or a list of them to `path` atomically, format from the extension."""
    from ase.io import write

    fmt = structure_format(path)
    with atomic_output(path) as tmp:
        write(tmp, images, format=fmt)
    return Path(path)


def read_frames(path: str | os.PathLike, index: str = "-1") -> list:
    """Read the frame(s) `index` (ASE syntax: '-1', '0', ':', '2:10:2') of any file ASE reads.

    Raises `ParameterError` when the file cannot be read or holds no atoms there.
    """
    from ase.io import read

    _refuse_typed_lammps(Path(path))
    try:
        frames = read(str(path), index=index)
    except (IndexError, StopIteration):
        raise ParameterError(
            f"{str(path)!r} has no frame at index {index!r} (ASE syntax: 0 first, -1 last)"
        ) from None
    except Exception as exc:  # ASE raises many types for unreadable input
        reason = str(exc) or type(exc).__name__
        raise ParameterError(f"cannot read {str(path)!r} (index {index!r}): {reason}") from None
    if not isinstance(frames, list):
        frames = [frames]
    if not frames:
        raise ParameterError(f"{str(path)!r}: index {index!r} selects no frame")
    if any(len(f) == 0 for f in frames):
        raise ParameterError(f"{str(path)!r} holds no atoms at index {index!r}")
    import numpy as np

    for number, frame in enumerate(frames):
        if not np.isfinite(frame.positions).all():
            raise ParameterError(
                f"{str(path)!r}: frame {number} of index {index!r} has non-finite positions"
            )
    return frames


def _refuse_typed_lammps(path: Path) -> None:
    """A LAMMPS text dump names atom types, not elements; without an ``element`` column ASE
    reads type 1 as hydrogen, and every energy and image after that would be of H."""
    from ase.io.formats import UnknownFileTypeError, filetype

    try:
        fmt = filetype(str(path), read=True)
    except (UnknownFileTypeError, OSError, ValueError):
        return
    if fmt != "lammps-dump-text":
        return
    with open(path, errors="replace") as handle:
        for line in handle:
            if line.startswith("ITEM: ATOMS"):
                if "element" not in line.split()[2:]:
                    raise ParameterError(
                        f"{str(path)!r}: a LAMMPS dump without an element column (its columns: "
                        f"{' '.join(line.split()[2:])}); ASE would read atom type 1 as H. Dump "
                        "with the element (dump_modify … element Au) or convert the file first"
                    )
                return
