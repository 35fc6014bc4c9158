"""Temperature programs: piecewise-linear T(t), with the usual shapes as constructors."""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from aucluster.errors import ParameterError

#: Highest target temperature [K]: Au boils at 3129 K; far beyond it there is no condensed
#: metal for EMT to describe, and a bath at 10⁹ K only blows the run up.
MAX_TEMPERATURE_K = 5000.0


@dataclass(frozen=True, kw_only=True)
class TemperatureProgram:
    """Target temperature as a piecewise-linear function of time.

    `points` are (time_ps, temperature_K) pairs with strictly increasing times starting at 0;
    before the first and after the last point the temperature is held.
    """

    points: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        pts = tuple((float(t), float(temp)) for t, temp in self.points)
        object.__setattr__(self, "points", pts)
        if not pts:
            raise ParameterError("temperature program: needs at least one (time_ps, T_K) point")
        times = [t for t, _ in pts]
        if times[0] != 0.0 or any(b <= a for a, b in pairwise(times)):
            raise ParameterError(
                f"temperature program times {times}: must start at 0 ps and increase"
            )
        if any(not (temp >= 0 and np.isfinite(temp)) for _, temp in pts):
            raise ParameterError(
                f"temperature program {[temp for _, temp in pts]} K: temperatures must be ≥ 0"
            )
        if any(temp > MAX_TEMPERATURE_K for _, temp in pts):
            raise ParameterError(
                f"temperature program {[temp for _, temp in pts]} K: temperatures must be "
                f"≤ {MAX_TEMPERATURE_K:g} K (Au boils at 3129 K)"
            )

    def temperature_at(self, time_ps: float) -> float:
        """T [K] at `time_ps`."""
        times, temps = zip(*self.points, strict=True)
        return float(np.interp(time_ps, times, temps))

    @property
    def is_constant(self) -> bool:
        return len({temp for _, temp in self.points}) == 1


def constant(temperature_K: float) -> TemperatureProgram:
    """Hold `temperature_K`."""
    return TemperatureProgram(points=((0.0, temperature_K),))


def linear_ramp(start_K: float, end_K: float, duration_ps: float) -> TemperatureProgram:
    """From `start_K` to `end_K` linearly over `duration_ps`, then hold."""
    return TemperatureProgram(points=((0.0, start_K), (duration_ps, end_K)))


def anneal_and_quench(
    *,
    start_K: float,
    anneal_K: float,
    heat_ps: float,
    hold_ps: float,
    final_K: float,
    quench_ps: float,
) -> TemperatureProgram:
    """Heat from `start_K` to `anneal_K` in `heat_ps`, hold `hold_ps`, quench to `final_K` in
    `quench_ps`, then hold."""
    t1 = heat_ps
    t2 = t1 + hold_ps
    t3 = t2 + quench_ps
    return TemperatureProgram(
        points=((0.0, start_K), (t1, anneal_K), (t2, anneal_K), (t3, final_K))
    )


def piecewise(points: Sequence[tuple[float, float]]) -> TemperatureProgram:
    """Any piecewise-linear program from (time_ps, temperature_K) points."""
    return TemperatureProgram(points=tuple(points))


def parse_program(text: str) -> TemperatureProgram:
    """Parse 'T0_ps:T0_K,T1_ps:T1_K,…' (e.g. '0:300,20:600,40:300')."""
    try:
        pts = [tuple(float(x) for x in item.split(":")) for item in text.split(",")]
        if any(len(p) != 2 for p in pts):
            raise ValueError
    except ValueError:
        raise ParameterError(
            f"temperature program {text!r}: expected TIME_PS:T_K pairs like '0:300,20:600'"
        ) from None
    return piecewise([(p[0], p[1]) for p in pts])
