"""MD throughput: µs per atom per step for a ~5,000-atom Au particle, Langevin, 5 fs, one core.

(a) the anchor: asap3 EMT with asap3's Langevin (its C++ integrator), nothing else;
(b) `run_md` with EMT alone (trajectory frame every 100 steps, checkpoint every 1,000);
(c) `run_md` with EMT + implicit solvent (μ_s = 1.5 eV) + spherical wall.
Each variant runs `--steps` steps after a warm-up; the three are interleaved `--repeats` times
and the fastest repeat of each counts (the machines are noisy). Targets: (b)/(a) ≤ 1.05,
(c)/(a) ≤ 1.5.

    python bench/md_throughput.py [--steps 300] [--repeats 3]
"""

import argparse
import contextlib
import io
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from ase import units

from aucluster.md import MDSettings, constant, run_md
from aucluster.potentials import SolventParameters, WallParameters
from aucluster.structures import build_fcc_sphere

RADIUS = 27.0  # Å: a 5,000-odd atom fcc sphere


def anchor(atoms, steps: int) -> float:
    from asap3 import EMT
    from asap3.md.langevin import Langevin

    work = atoms.copy()
    work.calc = EMT()
    rng = np.random.default_rng(0)
    work.set_momenta(
        rng.standard_normal((len(work), 3)) * np.sqrt(work.get_masses()[:, None] * units.kB * 300)
    )
    with contextlib.redirect_stderr(io.StringIO()):  # asap3 announces its integrator
        dyn = Langevin(work, 5 * units.fs, temperature_K=300, friction=0.01 / units.fs, seed=1)
    dyn.run(10)
    start = time.perf_counter()
    dyn.run(steps)
    return (time.perf_counter() - start) / steps / len(work) * 1e6


def ours(atoms, steps: int, *, extra: bool, workdir: Path, tag: str) -> float:
    """Steady-state cost per step inside `run_md`: timed by an observer from step 10 to the
    last step, so frame writes and checkpoints at their usual intervals are included and the
    one-off set-up (first force call, initial files) is not, as for the anchor."""
    kw = {}
    if extra:
        kw = {"solvent": SolventParameters(mu_eV=1.5), "wall": WallParameters(radius=RADIUS + 8)}
    settings = MDSettings(
        program=constant(300),
        n_steps=steps + 10,
        sample_interval=100,
        checkpoint_interval=1000,
        seed=1,
        **kw,
    )
    stamps: dict[int, float] = {}

    def clock(_atoms, step):
        stamps[step] = time.perf_counter()

    run_md(atoms, settings, directory=workdir / tag, observers=[(clock, 10)])
    return (stamps[steps + 10] - stamps[10]) / steps / len(atoms) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    atoms = build_fcc_sphere(RADIUS)
    print(
        f"{len(atoms)} Au atoms, Langevin 300 K, 5 fs, {args.steps} steps, "
        f"best of {args.repeats}; pid {os.getpid()} on one core"
    )
    best = {"a": np.inf, "b": np.inf, "c": np.inf}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeats):
            best["a"] = min(best["a"], anchor(atoms, args.steps))
            best["b"] = min(
                best["b"], ours(atoms, args.steps, extra=False, workdir=Path(tmp), tag=f"b{r}")
            )
            best["c"] = min(
                best["c"], ours(atoms, args.steps, extra=True, workdir=Path(tmp), tag=f"c{r}")
            )
    print(f"(a) asap3 EMT + asap3 Langevin     {best['a']:.3f} µs/atom/step  (anchor)")
    print(
        f"(b) run_md, EMT                    {best['b']:.3f} µs/atom/step  "
        f"ratio (b)/(a) = {best['b'] / best['a']:.3f}  (target ≤ 1.05)"
    )
    print(
        f"(c) run_md, EMT + solvent + wall   {best['c']:.3f} µs/atom/step  "
        f"ratio (c)/(a) = {best['c'] / best['a']:.3f}  (target ≤ 1.5)"
    )


if __name__ == "__main__":
    main()
