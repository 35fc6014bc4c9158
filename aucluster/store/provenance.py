"""Provenance records: what produced a file, so that a result can be traced and redone.

A record holds the package version (and, run from a git checkout, its commit and whether the
checkout had uncommitted changes), the settings, the seed, hashes of the input files, the
command line, versions of the main dependencies, and the time. The CLI writes it beside each
output as ``<output>.provenance.json`` (DESIGN, conventions).
"""

import datetime as _dt
import functools
import hashlib
import os
import platform
import subprocess
import sys
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

import aucluster
from aucluster.store.files import write_json

#: Dependencies whose versions change results, recorded in every provenance record.
RECORDED_PACKAGES = ("ase", "asap3", "numpy", "scipy", "pymatgen")


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


@functools.cache
def source_revision() -> dict[str, Any] | None:
    """The git commit of the checkout the package runs from and whether tracked files differ
    from it ({"commit", "modified"}), or None (an installed copy, or no git): a version
    number alone does not say which code made a table between releases."""
    root = Path(aucluster.__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "modified": bool(status.strip())}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    return value


def provenance_record(
    *,
    settings: Mapping[str, Any],
    seed: int | None = None,
    inputs: Sequence[str | os.PathLike] = (),
    command: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Build a provenance record (a JSON-ready dict)."""
    return {
        "package": "aucluster",
        "version": aucluster.__version__,
        "source": source_revision(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "command": list(sys.argv if command is None else command),
        "settings": _jsonable(settings),
        "seed": seed,
        "inputs": {str(p): file_sha256(p) for p in inputs},
        "python": platform.python_version(),
        "dependencies": {name: _package_version(name) for name in RECORDED_PACKAGES},
    }


def provenance_path(output: str | os.PathLike) -> Path:
    """Where the record of `output` goes: ``<output>.provenance.json`` beside it."""
    output = Path(output)
    return output.with_name(output.name + ".provenance.json")


def write_provenance(output: str | os.PathLike, record: Mapping[str, Any]) -> Path:
    """Write `record` beside `output` (atomically) and return its path."""
    return write_json(provenance_path(output), record)
