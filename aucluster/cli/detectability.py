"""`aucluster detectability`: the FFT verdict against CNA's motif on simulated frames, over
particle sizes and kinds, orientations, doses, frame sums and spot thresholds, with Wilson
intervals and the ROC of the spot threshold (`aucluster.workflow.detectability`)."""

from dataclasses import asdict
from pathlib import Path

import click

from aucluster.cli.options import overwrite_option, scheduler_option, task_progress, workers_option
from aucluster.errors import ParameterError
from aucluster.parallel import BatchCluster
from aucluster.store.files import check_output_dir, refuse_existing

OUTPUTS = (
    "detectability.csv",
    "detectability_summary.csv",
    "detectability_roc.csv",
    "detectability.png",
)


def _numbers(text: str, name: str, kind=float) -> tuple:
    try:
        values = tuple(kind(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise ParameterError(f"--{name} {text!r}: a comma-separated list of numbers") from None
    if not values:
        raise ParameterError(f"--{name} {text!r}: give at least one value")
    return values


def _names(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


@click.command()
@click.option("--radii", default="15,25", show_default=True, help="Particle radii [Å].")
@click.option(
    "--grains",
    default="1,4,8",
    show_default=True,
    help="Voronoi particles of these grain counts (1: a single crystal).",
)
@click.option(
    "--motifs",
    default="twinned,decahedron,icosahedron",
    show_default=True,
    help="Particles beside them: twinned (one {111} twin through the centre), decahedron "
    "(Marks), icosahedron (Mackay); '' for none.",
)
@click.option("--doses", default="1e5,1e3,149", show_default=True, help="Doses per frame [e/Å²].")
@click.option(
    "--orientations", type=int, default=100, show_default=True, help="Orientations per particle."
)
@click.option(
    "--prior",
    type=click.Choice(["uniform", "111"]),
    default="uniform",
    show_default=True,
    help="Orientations uniformly random, or lying on a {111} of the largest grain.",
)
@click.option(
    "--tilt-spread",
    type=float,
    default=5.0,
    show_default=True,
    help="With --prior 111: the tilt from the {111} is |N(0, this)| [deg].",
)
@click.option(
    "--frames-summed", default="1", show_default=True, help="Frames summed per measurement."
)
@click.option(
    "--rotation-per-frame",
    type=float,
    default=0.0,
    show_default=True,
    help="Random turn of the particle between summed frames [deg].",
)
@click.option(
    "--min-strengths",
    default="20",
    show_default=True,
    help="Spot thresholds (power over the ring's median) to read each FFT at; the summary "
    "uses 20, the ROC all.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("detectability"),
    show_default=True,
    help="Directory: " + ", ".join(OUTPUTS) + ".",
)
@workers_option
@scheduler_option
@overwrite_option
def detectability(
    overwrite: bool,
    radii: str,
    grains: str,
    motifs: str,
    doses: str,
    orientations: int,
    prior: str,
    tilt_spread: float,
    frames_summed: str,
    rotation_per_frame: float,
    min_strengths: str,
    seed: int,
    output: Path,
    workers: int | None,
    scheduler: str | BatchCluster | None,
) -> None:
    """Can the FFT see what CNA sees? Verdicts on simulated frames against the CNA motif."""
    from aucluster.store import atomic_output, write_csv, write_provenance
    from aucluster.store.provenance import provenance_record
    from aucluster.workflow.detectability import (
        DEFAULT_MIN_STRENGTH,
        DETECTABILITY_COLUMNS,
        ROC_COLUMNS,
        SUMMARY_COLUMNS,
        DetectabilitySettings,
        plot_detectability,
        summarise_detectability,
        threshold_roc,
    )
    from aucluster.workflow.detectability import detectability as run_study

    thresholds = _numbers(min_strengths, "min-strengths")
    if DEFAULT_MIN_STRENGTH not in thresholds:
        thresholds = (*thresholds, DEFAULT_MIN_STRENGTH)
    if seed < 0:
        raise ParameterError(f"--seed {seed}: must be ≥ 0")
    settings = DetectabilitySettings(
        radii_A=_numbers(radii, "radii"),
        grains=_numbers(grains, "grains", int) if grains.strip() else (),
        motifs=_names(motifs),
        doses_e_per_A2=_numbers(doses, "doses"),
        orientations=orientations,
        prior=prior,
        tilt_spread_deg=tilt_spread,
        frames_summed=_numbers(frames_summed, "frames-summed", int),
        rotation_per_frame_deg=rotation_per_frame,
        min_strengths=thresholds,
    )
    outputs = [output / name for name in OUTPUTS]
    check_output_dir(output)
    refuse_existing(outputs, overwrite)
    n_tasks = len(settings.radii_A) * (len(settings.grains) + len(settings.motifs))
    n_tasks *= settings.orientations
    with task_progress("detectability (particle × orientation)") as progress:
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            progress(done, n_tasks)

        progress(0, n_tasks)
        rows = run_study(settings, seed=seed, progress=step, workers=workers, scheduler=scheduler)
    summary = summarise_detectability(rows)
    roc = threshold_roc(rows)
    output.mkdir(parents=True, exist_ok=True)
    record = provenance_record(settings=asdict(settings), seed=seed)
    written = [
        write_csv(outputs[0], rows, DETECTABILITY_COLUMNS),
        write_csv(outputs[1], summary, SUMMARY_COLUMNS),
        write_csv(outputs[2], roc, ROC_COLUMNS),
    ]
    with atomic_output(outputs[3]) as tmp:
        plot_detectability(summary, roc, tmp)
    written.append(outputs[3])
    for path in written:
        write_provenance(path, record)
    for r in summary:
        click.echo(
            f"{r['radius_A']:g} Å, {r['dose_e_per_A2']:g} e/Å², {r['frames_summed']} frame(s), "
            f"{r['truth']}: called so {r['called_as_truth']} {r['called_as_truth_ci95']}, "
            f"polycrystalline {r['called_polycrystalline']} {r['called_polycrystalline_ci95']} "
            f"(n = {r['n_frames']})"
        )
    click.echo(f"→ {', '.join(str(p) for p in written)}")
