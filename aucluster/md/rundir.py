"""The run directory: what a run writes, and how a killed run is brought back to its last
checkpoint.

``run.json`` settings, provenance and status · ``initial.extxyz`` the starting structure ·
``trajectory.traj`` ASE trajectory, one frame per sample (``info``: step, time_ps,
energies, temperatures) · ``log.csv`` the same numbers as a table · ``checkpoint.npz``
positions, momenta, step, thermostat RNG state and how many frames and rows were written.

Checkpoints are written after the frame and row they cover are flushed, and atomically, so a
checkpoint never refers to data that is not on disk. Resuming cuts the trajectory and the log
back to what the checkpoint counted; anything written after it (even half a frame) is dropped
and recomputed identically.
"""

import csv
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from ase import Atoms
from ase.io import Trajectory

from aucluster.errors import ParameterError
from aucluster.store import atomic_output

RUN_JSON = "run.json"
INITIAL = "initial.extxyz"
TRAJECTORY = "trajectory.traj"
LOG = "log.csv"
CHECKPOINT = "checkpoint.npz"

#: log.csv columns, units in the names.
LOG_COLUMNS = (
    "step",
    "time_ps",
    "potential_energy_eV",
    "kinetic_energy_eV",
    "total_energy_eV",
    "temperature_K",
    "target_temperature_K",
    "max_force_eV_per_A",
)


def read_run_json(directory: Path) -> dict[str, Any]:
    path = directory / RUN_JSON
    if not directory.is_dir() or not path.is_file():
        raise ParameterError(f"{str(directory)!r} is not a run directory (no {RUN_JSON})")
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ParameterError(f"{str(path)!r} is unreadable: {exc}") from None


def save_checkpoint(directory: Path, state: dict[str, Any]) -> None:
    """Write the checkpoint atomically (rename over the previous one)."""
    with atomic_output(directory / CHECKPOINT) as tmp, open(tmp, "wb") as handle:
        np.savez(
            handle,
            positions=state["positions"],
            momenta=state["momenta"],
            step=state["step"],
            n_frames=state["n_frames"],
            rng_state=json.dumps(state["rng_state"]),
        )


def load_checkpoint(directory: Path) -> dict[str, Any]:
    path = directory / CHECKPOINT
    if not path.is_file():
        raise ParameterError(f"{str(directory)!r} has no {CHECKPOINT}: nothing to resume from")
    try:
        # our own handle: np.load leaves its file open when a damaged .npz fails to parse
        with open(path, "rb") as handle, np.load(handle) as data:
            return {
                "positions": data["positions"],
                "momenta": data["momenta"],
                "step": int(data["step"]),
                "n_frames": int(data["n_frames"]),
                "rng_state": json.loads(str(data["rng_state"])),
            }
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        # written atomically, so damage is from outside (a disk, a copy): say so, touch nothing
        raise ParameterError(
            f"{str(path)!r} is damaged ({type(exc).__name__}: {exc}): the run cannot be resumed"
        ) from None


def truncate_outputs(directory: Path, n_frames: int) -> None:
    """Cut trajectory and log back to their first `n_frames` frames / rows (atomically)."""
    traj_path = directory / TRAJECTORY
    frames: list[Atoms] = []
    if traj_path.exists():
        try:
            with Trajectory(traj_path, "r") as reader:
                n_stored = len(reader)
                frames = [reader[i] for i in range(min(n_frames, n_stored))]
        except Exception as exc:  # ulm raises several types for a damaged file
            raise ParameterError(
                f"{str(traj_path)!r} is damaged ({type(exc).__name__}: {exc}): the run cannot "
                "be resumed"
            ) from None
        if n_stored < n_frames:
            raise ParameterError(
                f"{str(traj_path)!r} holds {n_stored} frames, the checkpoint counts "
                f"{n_frames}: the run directory is damaged"
            )
    with atomic_output(traj_path) as tmp, Trajectory(tmp, "w") as writer:
        for frame in frames:
            writer.write(frame)
    rows: list[list[str]] = []
    log_path = directory / LOG
    if log_path.exists():
        with open(log_path, newline="") as handle:
            rows = [r for r in csv.reader(handle)][1 : n_frames + 1]
    if len(rows) < n_frames or any(len(r) != len(LOG_COLUMNS) for r in rows):
        raise ParameterError(f"{str(log_path)!r} is shorter than the checkpoint: damaged run")
    with atomic_output(log_path) as tmp, open(tmp, "w", newline="") as handle:
        writer_csv = csv.writer(handle)
        writer_csv.writerow(LOG_COLUMNS)
        writer_csv.writerows(rows)


def read_initial(directory: Path) -> Atoms:
    """The starting structure of the run (numbers, masses, cell, pbc for a resume)."""
    from ase.io import read

    path = directory / INITIAL
    if not path.is_file():
        raise ParameterError(f"{str(directory)!r} has no {INITIAL}: not a complete run directory")
    atoms = read(path, format="extxyz")
    assert isinstance(atoms, Atoms)
    return atoms
