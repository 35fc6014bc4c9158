"""Calibration of the implicit-solvent knob μ_s: detached atoms against μ_s.

A 309-atom Mackay icosahedron of Au (EMT) inside a spherical wall, Langevin at fixed
temperature, one run per μ_s; after equilibration the number of atoms outside the largest
connected cluster (bond cutoff 3.7 Å) is averaged over the frames. Prints a Markdown table
(the one in docs/solvent_calibration.md).

    python bench/solvent_calibration.py [--temperature-K 600] [--duration-ps 40]
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from ase.io import read

from aucluster.analysis import detached_atoms
from aucluster.md import MDSettings, constant, run_md
from aucluster.potentials import SolventParameters, WallParameters
from aucluster.structures import build_icosahedron

MU_VALUES_EV = (0.0, 0.5, 1.0, 1.25, 1.5, 1.75, 2.0)


def detached_series(
    mu_eV: float,
    *,
    temperature_K: float,
    duration_ps: float,
    wall_radius: float,
    seed: int,
    workdir: Path,
) -> tuple[np.ndarray, np.ndarray]:
    """(time_ps, detached count) per frame of one run."""
    settings = MDSettings(
        program=constant(temperature_K),
        duration_ps=duration_ps,
        sample_interval=200,
        checkpoint_interval=2000,
        seed=seed,
        solvent=SolventParameters(mu_eV=mu_eV),
        wall=WallParameters(radius=wall_radius),
    )
    directory = workdir / f"mu{mu_eV:g}"
    run_md(build_icosahedron(5), settings, directory=directory)
    frames = read(directory / "trajectory.traj", index=":")
    return (
        np.array([f.info["time_ps"] for f in frames]),
        np.array([detached_atoms(f) for f in frames]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--temperature-K", type=float, default=600.0)
    parser.add_argument("--duration-ps", type=float, default=40.0)
    parser.add_argument("--wall-radius", type=float, default=16.0, help="[Å]")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(
        f"309-atom Au icosahedron, EMT, Langevin {args.temperature_K:g} K, wall "
        f"{args.wall_radius:g} Å, {args.duration_ps:g} ps per μ_s; mean over the second half\n"
    )
    print("| μ_s [eV] | detached atoms (mean ± std) | max | wall time [s] |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for mu in MU_VALUES_EV:
            start = time.perf_counter()
            t, n = detached_series(
                mu,
                temperature_K=args.temperature_K,
                duration_ps=args.duration_ps,
                wall_radius=args.wall_radius,
                seed=args.seed,
                workdir=Path(tmp),
            )
            late = n[t >= 0.5 * t[-1]]
            print(
                f"| {mu:g} | {late.mean():.1f} ± {late.std():.1f} | {n.max()} | "
                f"{time.perf_counter() - start:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
