"""Best-of-n wall time, shared by the throughput benchmarks (machines are noisy: the fastest
repeat is the one least disturbed)."""

import time


def best_seconds(fn, repeats: int) -> float:
    """Shortest of `repeats` wall times of `fn()` [s]."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
