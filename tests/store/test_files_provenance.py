"""Atomic output and provenance records."""

import hashlib
import json
import os

import pytest

import aucluster
from aucluster.errors import ParameterError
from aucluster.store import atomic_output, file_sha256, provenance_record, write_provenance


def test_atomic_output_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"

    def write_half_then_fail():
        with atomic_output(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_half_then_fail()
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_replaces_on_success(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_output(target) as tmp:
        assert tmp.suffix == ".txt"
        assert tmp != target
        tmp.write_text("new")
    assert target.read_text() == "new"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_output_refuses_missing_directory(tmp_path):
    with pytest.raises(ParameterError, match="does not exist"), atomic_output(tmp_path / "a" / "b"):
        pass


def test_provenance_record_and_file(tmp_path):
    data = tmp_path / "input.bin"
    data.write_bytes(b"gold")
    record = provenance_record(settings={"shells": 3}, seed=5, inputs=[data], command=["x"])
    assert record["version"] == aucluster.__version__
    assert record["inputs"][str(data)] == hashlib.sha256(b"gold").hexdigest() == file_sha256(data)
    assert record["seed"] == 5
    assert record["settings"] == {"shells": 3}
    path = write_provenance(tmp_path / "out.extxyz", record)
    assert path.name == "out.extxyz.provenance.json"
    assert json.loads(path.read_text())["command"] == ["x"]


def test_the_record_names_the_commit_of_a_git_checkout():
    import shutil
    import subprocess
    from pathlib import Path

    root = Path(aucluster.__file__).resolve().parent.parent
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("the package is not run from a git checkout here")
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    source = provenance_record(settings={})["source"]
    assert source["commit"] == head
    assert isinstance(source["modified"], bool)
