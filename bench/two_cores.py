"""Using both cores: two independent MD runs at once against one alone.

asap3's pip build is serial (no OpenMP: `AsapThreads` refuses), so the second core is used
by running a second job. This prints the aggregate throughput of two simultaneous
`run_md` processes relative to one process alone (2.0 would be perfect scaling), on the
~5,000-atom Au sphere of md_throughput.py.

    python bench/two_cores.py [--steps 300]
"""

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

from aucluster.md import MDSettings, constant, run_md
from aucluster.structures import build_fcc_sphere

RADIUS = 27.0


def one_run(args: tuple[int, str]) -> float:
    steps, directory = args
    atoms = build_fcc_sphere(RADIUS)
    settings = MDSettings(
        program=constant(300),
        n_steps=steps + 10,
        sample_interval=100,
        checkpoint_interval=1000,
        seed=1,
    )
    stamps: dict[int, float] = {}

    def clock(_atoms, step):
        stamps[step] = time.perf_counter()

    run_md(atoms, settings, directory=directory, observers=[(clock, 10)])
    return steps / (stamps[steps + 10] - stamps[10])  # steps per second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        alone = one_run((args.steps, str(Path(tmp) / "alone")))
        with mp.get_context("spawn").Pool(2) as pool:
            pair = pool.map(one_run, [(args.steps, str(Path(tmp) / f"pair{i}")) for i in (0, 1)])
    print(f"one run alone:        {alone:.1f} steps/s")
    print(f"two runs at once:     {pair[0]:.1f} + {pair[1]:.1f} steps/s")
    print(f"aggregate speed-up:   {sum(pair) / alone:.2f} (2.00 = both cores fully used)")


if __name__ == "__main__":
    main()
