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
from pathlib import Path

from md_throughput import RADIUS, steady_seconds_per_step  # bench/ is on sys.path

from aucluster.structures import build_fcc_sphere


def one_run(args: tuple[int, str]) -> float:
    """Steps per second of one `run_md` on the sphere, in steady state."""
    steps, directory = args
    return 1.0 / steady_seconds_per_step(build_fcc_sphere(RADIUS), steps, directory)


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
