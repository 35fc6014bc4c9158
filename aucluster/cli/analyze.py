"""`aucluster analyze INPUT -o DIR`: structural analysis of a structure or trajectory.

Writes frames.csv (one row per frame, units in the column names), events.csv (detach, attach,
expel, coalescence, grains absorbed or dissolved), rates.csv (exchange rates with 95 %
Poisson intervals), twins.csv (every twin boundary per frame, with its migration), necks.csv
(coalescence necks against time), labels.extxyz (every frame at the positions labelled, with
per-atom ``cna``, ``grain``, ``region``, ``five_fold`` arrays, which OVITO shows as particle
properties) and timeseries.png, each with a provenance record beside it.

The quench (default labels) runs on the trajectory's own Hamiltonian when INPUT sits in an
`aucluster md` run directory (its run.json: potential, solvent, wall), else on EMT alone.
"""

from dataclasses import asdict
from pathlib import Path

import click

from aucluster.analysis import AnalysisSettings, analyze_trajectory
from aucluster.analysis.inherent import LabelMode
from aucluster.analysis.output import write_tables
from aucluster.analysis.plot import plot_timeseries
from aucluster.cli.options import index_option, overwrite_option
from aucluster.errors import ParameterError
from aucluster.md.rundir import RUN_JSON, read_run_json
from aucluster.md.settings import settings_from_dict
from aucluster.potentials import Hamiltonian
from aucluster.store import atomic_output, write_provenance
from aucluster.store.files import (
    check_output_dir,
    make_output_dir,
    read_frames,
    refuse_existing,
    write_structures,
)
from aucluster.store.provenance import provenance_record

DEFAULTS = AnalysisSettings()


@click.command()
@click.argument("input_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for frames.csv, events.csv, labels.extxyz, timeseries.png.",
)
@index_option(":", "Frames to analyse")
@click.option(
    "--bond-cutoff",
    type=float,
    default=DEFAULTS.bond_cutoff,
    show_default=True,
    help="Bond length separating particle and cloud [Å].",
)
@click.option(
    "--rmsd-max",
    type=float,
    default=DEFAULTS.rmsd_max,
    show_default=True,
    help="PTM RMSD cutoff for lattice orientations (dimensionless).",
)
@click.option(
    "--max-misorientation",
    type=float,
    default=DEFAULTS.max_misorientation_deg,
    show_default=True,
    help="Largest misorientation inside one grain [deg].",
)
@click.option(
    "--min-grain-size",
    type=int,
    default=DEFAULTS.min_grain_size,
    show_default=True,
    help="Smallest grain [atoms].",
)
@click.option(
    "--lindemann-window",
    type=int,
    default=DEFAULTS.lindemann_window,
    show_default=True,
    help="Frames per Lindemann-index block [frames]; 0 = off.",
)
@click.option(
    "--labels",
    type=click.Choice([str(m) for m in LabelMode]),
    default=str(DEFAULTS.labels),
    show_default=True,
    help="Positions the structural labels are computed on: each frame's inherent structure "
    "(quenched), the frame as recorded, or averaged over --average-window frames.",
)
@click.option(
    "--quench-fmax",
    type=float,
    default=DEFAULTS.quench_fmax_eV_per_A,
    show_default=True,
    help="Force tolerance of the quench [eV/Å].",
)
@click.option(
    "--average-window",
    type=int,
    default=DEFAULTS.average_window,
    show_default=True,
    help="Frames averaged for --labels averaged.",
)
@click.option(
    "--detach-radius",
    type=float,
    default=DEFAULTS.detach_radius,
    show_default=True,
    help="Distance from the particle beyond which an atom may count as detached, r_out [Å] "
    "(r_in is --bond-cutoff).",
)
@click.option(
    "--dwell-ps",
    type=float,
    default=DEFAULTS.dwell_ps,
    show_default=True,
    help="Time an exchange must last to count [ps].",
)
@click.option(
    "--min-coalescence-atoms",
    type=int,
    default=DEFAULTS.min_coalescence_atoms,
    show_default=True,
    help="Smallest cloud cluster whose joining is a coalescence [atoms].",
)
@click.option(
    "--rate-window-ps",
    type=float,
    default=DEFAULTS.rate_window_ps,
    show_default=True,
    help="Windows of the exchange rates [ps].",
)
@overwrite_option
def analyze(
    input_file: Path,
    out_dir: Path,
    overwrite: bool,
    index: str,
    bond_cutoff: float,
    rmsd_max: float,
    max_misorientation: float,
    min_grain_size: int,
    lindemann_window: int,
    labels: str,
    quench_fmax: float,
    average_window: int,
    detach_radius: float,
    dwell_ps: float,
    min_coalescence_atoms: int,
    rate_window_ps: float,
) -> None:
    """Adaptive CNA, grains, faults, core / shell / cloud and exchange events of every frame
    of INPUT (any file ASE reads: .traj, .extxyz, ...)."""
    refuse_existing([out_dir], overwrite)
    check_output_dir(out_dir)
    settings = AnalysisSettings(
        bond_cutoff=bond_cutoff,
        rmsd_max=rmsd_max,
        max_misorientation_deg=max_misorientation,
        min_grain_size=min_grain_size,
        lindemann_window=lindemann_window,
        labels=LabelMode(labels),
        quench_fmax_eV_per_A=quench_fmax,
        average_window=average_window,
        detach_radius=detach_radius,
        dwell_ps=dwell_ps,
        min_coalescence_atoms=min_coalescence_atoms,
        rate_window_ps=rate_window_ps,
    )
    hamiltonian = _hamiltonian(input_file)
    frames = read_frames(input_file, index)
    if min(len(f) for f in frames) < 2:
        raise ParameterError(
            f"{str(input_file)!r}: a frame holds {min(len(f) for f in frames)} atom; "
            "the analysis needs ≥ 2 atoms per frame"
        )
    if len(frames) > 1 and len({len(f) for f in frames}) > 1:
        raise ParameterError(
            f"{str(input_file)!r}: frames hold {sorted({len(f) for f in frames})} atoms; the "
            "events need the same atoms in every frame (analyse frames one by one with --index)"
        )
    labelled = []

    with click.progressbar(length=len(frames), label="analysing frames", show_pos=True) as bar:

        def keep_labels(i, atoms, analysis) -> None:
            frame = atoms.copy()
            frame.calc = None
            for name, values in analysis.per_atom().items():
                frame.arrays[name] = values
            frame.info["motif"] = str(analysis.motif)
            labelled.append(frame)
            bar.update(1)

        result = analyze_trajectory(frames, settings, hamiltonian=hamiltonian, on_frame=keep_labels)

    record = provenance_record(
        settings={"index": index, **vars(settings), "hamiltonian": asdict(hamiltonian)},
        inputs=[input_file],
    )
    make_output_dir(out_dir)  # only now: an error or Ctrl-C in the analysis leaves nothing
    tables = write_tables(result, out_dir)
    labels_path = write_structures(out_dir / "labels.extxyz", labelled)
    figure = out_dir / "timeseries.png"
    with atomic_output(figure) as tmp:
        plot_timeseries(result.rows, tmp, title=f"{input_file.name}: {len(frames)} frames")
    for path in (*tables, labels_path, figure):
        write_provenance(path, record)
    last = result.rows[-1]
    click.echo(
        f"{len(frames)} frames, last: {last['motif']}, {last['n_grains']} grain(s), "
        f"crystalline {last['crystalline_fraction']:.2f}, cloud {last['n_cloud']} atoms; "
        f"{len(result.events)} events → {out_dir}"
    )


def _hamiltonian(input_file: Path) -> Hamiltonian:
    """The run's Hamiltonian from the run.json beside INPUT, else EMT alone."""
    run_json = input_file.parent / RUN_JSON
    if run_json.is_file():
        return settings_from_dict(read_run_json(input_file.parent)["settings"]).hamiltonian
    return Hamiltonian()
