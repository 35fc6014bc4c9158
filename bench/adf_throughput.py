"""ADF-STEM throughput: the incoherent model against abTEM PRISM, one core, same run.

(a) time for a 512 × 512 frame (0.2 Å pixels) of a ~5,000-atom Au particle, steady state (the
probe transfer function is computed once per settings and grid, then cached, as in a movie);
target ≤ 50 ms. (b) anchor: abTEM PRISM (1 frozen-phonon configuration, interpolation 2,
potential sampling 0.035 Å, 2 Å slices) on the 309-atom cuboctahedron, 128 × 128 frame at
0.2 Å; the incoherent model on the same frame; target ratio ≥ 2,000. abTEM is given one
thread (dask synchronous scheduler, numba/FFTW threads 1) so both run on one core.

    python bench/adf_throughput.py [--repeats 5]      (needs the abtem extra for (b))
"""

import argparse
import os
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from timing import best_seconds  # bench/ is on sys.path

from aucluster.imaging import BackgroundSettings, ImagingSettings, ScanSettings, simulate_adf
from aucluster.structures import build_cuboctahedron, build_fcc_sphere


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    big = build_fcc_sphere(27.0)
    frame = ImagingSettings(scan=ScanSettings(pixel_size_A=0.2, shape_px=(512, 512)))
    simulate_adf(big, frame)  # fills the probe cache
    t_frame = best_seconds(lambda: simulate_adf(big, frame), args.repeats)
    print(f"(a) {len(big)} atoms, 512×512 frame: {t_frame * 1e3:.1f} ms (target ≤ 50 ms)")

    small = build_cuboctahedron(5)
    settings = ImagingSettings(
        scan=ScanSettings(pixel_size_A=0.2, shape_px=(128, 128)),
        background=BackgroundSettings(water_thickness=0.0, graphene_layers=0),
    )
    simulate_adf(small, settings)
    t_ours = best_seconds(lambda: simulate_adf(small, settings), args.repeats)
    try:
        import abtem
        import dask
    except ImportError:
        print("(b) abTEM not installed (pip install 'aucluster[abtem]'): anchor skipped")
        return
    from aucluster.imaging.abtem_backend import simulate_adf_abtem

    abtem.config.set({"fft": "fftw", "fftw.threads": 1})
    with dask.config.set(scheduler="synchronous"):
        start = time.perf_counter()
        simulate_adf_abtem(small, settings, n_phonons=1)
        t_abtem = time.perf_counter() - start
    print(
        f"(b) {len(small)} atoms, 128×128: incoherent {t_ours * 1e3:.2f} ms, abTEM PRISM "
        f"{t_abtem:.1f} s, ratio {t_abtem / t_ours:,.0f} (target ≥ 2,000)"
    )


if __name__ == "__main__":
    main()
