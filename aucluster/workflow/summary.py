"""One summary of a finished md run, read from its run directory's tables: what the report
shows and what an ensemble's table collects (`summarise_run`)."""

from dataclasses import dataclass
from pathlib import Path

from aucluster.analysis.events import EventKind
from aucluster.compare import FFTVerdict
from aucluster.store import read_csv
from aucluster.workflow import rundir as rd
from aucluster.workflow.scenario import Scenario, scenario_from_dict
from aucluster.workflow.stages import snapshots_per_frame


@dataclass(frozen=True, kw_only=True)
class FFTAgainstCNA:
    """One movie frame: its largest particle's fringe sets, lattice orientations and verdict,
    and CNA's grain count
    and crystalline fraction of the first MD snapshot the frame was made from."""

    movie_frame: int
    time_ps: float
    cna_grains: int
    crystalline_fraction: float
    n_fringe_sets: int
    n_lattice_orientations: int
    fft_verdict: FFTVerdict

    @property
    def agrees(self) -> bool:
        """The image's verdict (polycrystalline or not) is CNA's (more than one grain)."""
        return (self.fft_verdict is FFTVerdict.POLYCRYSTALLINE) == (self.cna_grains > 1)


@dataclass(frozen=True, kw_only=True)
class LargestParticle:
    """The largest particle of the movie's last frame with a particle."""

    area_nm2: float
    mean_grey: float
    fft_verdict: FFTVerdict


@dataclass(frozen=True, kw_only=True)
class Rate:
    """Events per ps over a span, with its 95 % Poisson interval."""

    n_events: int
    per_ps: float
    ci_low_per_ps: float
    ci_high_per_ps: float


@dataclass(frozen=True, kw_only=True)
class RunSummary:
    """Key results of an md run (first and last analysed frame, exchange, the movie)."""

    n_frames: int
    particle_atoms_first: int
    time_first_ps: float
    time_last_ps: float
    crystalline_fraction_first: float
    crystalline_fraction_last: float
    interior_crystalline_fraction_first: float
    interior_crystalline_fraction_last: float
    grains_first: int
    grains_last: int
    motif_first: str
    motif_last: str
    cloud_atoms_first: int
    cloud_atoms_last: int
    #: atoms over all events of each kind (atoms of expelled and coalescing clusters are
    #: counted in detach / attach events too, `aucluster.analysis.events`)
    detached_atoms: int
    expelled_atoms: int
    attached_atoms: int
    coalescence_atoms: int
    first_coalescence_ps: float | None
    first_coalescence_outcome: str | None
    #: whole-run detach and attach rates [1/ps] with their 95 % Poisson intervals
    detach_rate: "Rate"
    attach_rate: "Rate"
    fft_against_cna: tuple[FFTAgainstCNA, ...]
    last_particle: LargestParticle | None

    @property
    def exchange(self) -> bool:
        """Out-and-in exchange: atoms both detached and attached."""
        return self.detached_atoms > 0 and self.attached_atoms > 0

    @property
    def ends_single_crystal(self) -> bool:
        return self.motif_last == "single-fcc"


def read_run_scenario(out: Path) -> Scenario:
    """The scenario a run directory was made by (from its scenario.json)."""
    import json

    data = json.loads((out / rd.SCENARIO_JSON).read_text())
    smoke = data.pop("smoke")
    return scenario_from_dict(data, smoke_merged=smoke)


def _largest_per_frame(measured: list[dict]) -> dict[int, dict]:
    largest: dict[int, dict] = {}
    for row in measured:
        k = int(row["frame"])
        if k not in largest or float(row["area_nm2"]) > float(largest[k]["area_nm2"]):
            largest[k] = row
    return largest


def _whole_run_rates(rows: list[dict]) -> dict[str, Rate]:
    """The rates of the longest window (the whole run) of each kind, all sites."""
    out: dict[str, Rate] = {}
    for kind in (EventKind.DETACH, EventKind.ATTACH):
        mine = [r for r in rows if r["kind"] == kind and r["site_class"] == "all"]
        r = max(mine, key=lambda r: float(r["window_end_ps"]) - float(r["window_start_ps"]))
        out[kind] = Rate(
            n_events=int(r["n_events"]),
            per_ps=float(r["rate_per_ps"]),
            ci_low_per_ps=float(r["rate_ci_low_per_ps"]),
            ci_high_per_ps=float(r["rate_ci_high_per_ps"]),
        )
    return out


def summarise_run(run_dir: str | Path) -> RunSummary:
    """Summary of the md run in `run_dir` (analysis and measurements done)."""
    out = Path(run_dir)
    scenario = read_run_scenario(out)
    frames = read_csv(out / rd.FRAMES_CSV)
    events = read_csv(out / rd.EVENTS_CSV)
    measured = read_csv(out / rd.MEASUREMENTS_CSV)
    first, last = frames[0], frames[-1]

    def atoms_of(kind: EventKind) -> int:
        return sum(int(e["n_atoms"]) for e in events if e["kind"] == kind)

    coalescence = [e for e in events if e["kind"] == EventKind.COALESCENCE]
    whole = _whole_run_rates(read_csv(out / rd.RATES_CSV))
    largest = _largest_per_frame(measured)
    k = snapshots_per_frame(scenario, len(frames))
    comparison = tuple(
        FFTAgainstCNA(
            movie_frame=i,
            time_ps=float(truth["time_ps"]),
            cna_grains=int(truth["n_grains"]),
            crystalline_fraction=float(truth["crystalline_fraction"]),
            n_fringe_sets=int(m["n_fringe_sets"]),
            n_lattice_orientations=int(m["n_lattice_orientations"]),
            fft_verdict=FFTVerdict(m["fft_verdict"]),
        )
        for i, m in sorted(largest.items())
        for truth in [frames[min(i * k, len(frames) - 1)]]
    )
    final = largest[max(largest)] if largest else None
    return RunSummary(
        n_frames=len(frames),
        particle_atoms_first=int(first["n_particle"]),
        time_first_ps=float(first["time_ps"]),
        time_last_ps=float(last["time_ps"]),
        crystalline_fraction_first=float(first["crystalline_fraction"]),
        crystalline_fraction_last=float(last["crystalline_fraction"]),
        interior_crystalline_fraction_first=float(first["crystalline_fraction_interior"]),
        interior_crystalline_fraction_last=float(last["crystalline_fraction_interior"]),
        grains_first=int(first["n_grains"]),
        grains_last=int(last["n_grains"]),
        motif_first=first["motif"],
        motif_last=last["motif"],
        cloud_atoms_first=int(first["n_cloud"]),
        cloud_atoms_last=int(last["n_cloud"]),
        detached_atoms=atoms_of(EventKind.DETACH),
        expelled_atoms=atoms_of(EventKind.EXPEL),
        attached_atoms=atoms_of(EventKind.ATTACH),
        coalescence_atoms=atoms_of(EventKind.COALESCENCE),
        first_coalescence_ps=float(coalescence[0]["time_ps"]) if coalescence else None,
        first_coalescence_outcome=coalescence[0]["outcome"] if coalescence else None,
        detach_rate=whole[EventKind.DETACH],
        attach_rate=whole[EventKind.ATTACH],
        fft_against_cna=comparison,
        last_particle=(
            None
            if final is None
            else LargestParticle(
                area_nm2=float(final["area_nm2"]),
                mean_grey=float(final["mean_grey"]),
                fft_verdict=FFTVerdict(final["fft_verdict"]),
            )
        ),
    )


__all__ = [
    "FFTAgainstCNA",
    "LargestParticle",
    "Rate",
    "RunSummary",
    "read_run_scenario",
    "summarise_run",
]
