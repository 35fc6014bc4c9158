"""Ctrl-C, as a terminal sends it (SIGINT to the whole foreground process group): the command
exits 130 with one `Error:` line and no traceback; md leaves run.json "interrupted at step N"
and a run that `--resume` completes identically; analyze leaves no directory behind."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ase.io import Trajectory, read, write
from click.testing import CliRunner

from aucluster.cli import main

pytestmark = pytest.mark.slow


def _ok(*args) -> None:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output


def _start(tmp_path: Path, *args) -> tuple[subprocess.Popen, Path]:
    """The CLI in its own process group (a terminal's foreground job), its output to a file."""
    log = tmp_path / f"output-{time.monotonic_ns()}.txt"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "aucluster.cli", *map(str, args)],
            stdout=handle,  # click's progress bar writes to stdout
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, log


def _wait_for(condition, process: subprocess.Popen, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the command ended before {what}"
        assert time.monotonic() < deadline, f"no {what} after {timeout} s"
        time.sleep(0.01)


def _ctrl_c(process: subprocess.Popen, log: Path) -> str:
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=120)
    return log.read_text()


def _assert_interrupted(process: subprocess.Popen, output: str) -> None:
    assert process.returncode == 130, output
    assert output.strip().splitlines()[-1] == "Error: interrupted (Ctrl-C)", output
    assert "Traceback" not in output, output


def test_ctrl_c_in_md_exits_130_marks_the_run_interrupted_and_resume_completes_it(tmp_path):
    ico = tmp_path / "ico147.extxyz"
    _ok("build", "icosahedron", "--shells", "4", "-o", ico)
    run = ["--temperature-K", "300", "--duration-ps", "40", "--checkpoint-interval", "500"]
    reference = tmp_path / "reference"
    _ok("md", ico, "-o", reference, *run)

    directory = tmp_path / "md"
    process, log = _start(tmp_path, "md", ico, "-o", directory, *run)

    def past_first_checkpoint() -> bool:  # log.csv: a header and a row per 100 steps
        log_csv = directory / "log.csv"
        return log_csv.exists() and len(log_csv.read_text().splitlines()) > 7

    _wait_for(past_first_checkpoint, process, "step 600")
    output = _ctrl_c(process, log)
    _assert_interrupted(process, output)
    status = json.loads((directory / "run.json").read_text())["status"]
    assert status.startswith("interrupted at step "), status
    assert status.endswith("(continue with --resume)")
    step = int(status.split()[3])
    assert 600 <= step < 8000  # stopped after the checkpoint at step 500, before the end

    _ok("md", "--resume", directory)
    assert json.loads((directory / "run.json").read_text())["status"] == "completed"
    with (
        Trajectory(directory / "trajectory.traj") as resumed,
        Trajectory(reference / "trajectory.traj") as uninterrupted,
    ):
        assert len(resumed) == len(uninterrupted) == 81
        assert (resumed[-1].positions == uninterrupted[-1].positions).all()


_RACE = """
import json, os, signal, sys, tempfile, threading
from aucluster.md import MDSettings, constant, run_md
from aucluster.structures import build_icosahedron
atoms = build_icosahedron(4)
settings = MDSettings(program=constant(300.0), n_steps=100000, sample_interval=100,
                      checkpoint_interval=500, seed=1)
outcomes = []
for k in range(12):
    directory = tempfile.mkdtemp(dir=sys.argv[1]) + "/md"
    threading.Timer(0.2 + 0.0137 * k, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        run_md(atoms, settings, directory=directory)
        outcomes.append("completed")
    except KeyboardInterrupt:
        with open(directory + "/run.json") as handle:
            outcomes.append(json.load(handle)["status"].split(" at step")[0])
    except Exception as exc:
        outcomes.append(f"{type(exc).__name__}: {exc}")
print(json.dumps(outcomes))
"""


def test_ctrl_c_at_any_moment_of_the_cpp_loop_is_a_clean_interrupt(tmp_path):
    """SIGINT at twelve moments of the integrator's C++ loop. Python's own handler raised
    where asap3 happened to call into the atoms object: an AsapError ("Failed to extract data
    from the atoms object") or a segmentation fault, in 2 of 3 runs of this test before the
    runner held the interrupt to the end of the step. In a subprocess: a crash is a result."""
    process = subprocess.run(
        [sys.executable, "-c", _RACE, str(tmp_path)], capture_output=True, text=True, timeout=600
    )
    assert process.returncode == 0, process.stderr[-2000:]
    assert json.loads(process.stdout) == ["interrupted"] * 12


_EXEC_INTERRUPT = """
import click
from aucluster.cli import _Group

@click.group(cls=_Group)
def cli():
    pass

@cli.command()
def stop():
    exec("raise KeyboardInterrupt")  # a Ctrl-C inside scipy's exec'd `from numpy import *`

cli()
"""


def test_a_ctrl_c_inside_exec_still_exits_130_not_by_the_signal(tmp_path):
    """CPython flags a KeyboardInterrupt that ends an exec'd string as unhandled, process-wide,
    and at exit that flag turned the caught interrupt's sys.exit(130) into a self-kill by
    SIGINT (exit −2): what a Ctrl-C during scipy's import did, once in a few start-ups. Run
    with -m, as `aucluster` and `python -m aucluster.cli` are (with -c, CPython exits from
    inside its SystemExit handling and never looks at the flag)."""
    (tmp_path / "exec_interrupt.py").write_text(_EXEC_INTERRUPT)
    process = subprocess.run(
        [sys.executable, "-m", "exec_interrupt", "stop"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert process.returncode == 130, process.stderr
    assert process.stderr.strip() == "Error: interrupted (Ctrl-C)"


@pytest.mark.parametrize("delay_s", [0.3, 1.0, 2.0])
def test_ctrl_c_while_the_command_starts_is_one_error_line(tmp_path, delay_s):
    """The commands' imports (scipy, matplotlib, ase, asap3: seconds) happen inside the
    command's error handling, not while `aucluster` is imported: a Ctrl-C at start-up, or
    just after, is the same one line and exit 130 (scipy's exec'd import included, above)."""
    args = ["stability", "--potential", "emt", "--max-atoms", "400", "--workers", "1"]
    process, log = _start(tmp_path, *args, "--db", tmp_path / "s.db", "--csv", tmp_path / "s.csv")
    time.sleep(delay_s)
    output = _ctrl_c(process, log)
    _assert_interrupted(process, output)


def test_ctrl_c_in_analyze_exits_130_and_leaves_no_directory(tmp_path):
    ico = tmp_path / "ico.extxyz"
    _ok("build", "icosahedron", "--shells", "4", "-o", ico)
    atoms = read(ico)
    frames = tmp_path / "long.extxyz"
    write(frames, [atoms] * 3000)  # long enough that the analysis is under way when stopped
    out = tmp_path / "analysis"
    process, log = _start(tmp_path, "analyze", frames, "-o", out)
    _wait_for(lambda: "analys" in log.read_text().lower(), process, "the progress bar")
    output = _ctrl_c(process, log)
    _assert_interrupted(process, output)
    assert not out.exists()


def test_ctrl_c_under_dask_is_one_error_line_and_the_same_command_finishes(tmp_path):
    """Two replicas on a two-worker LocalCluster: Ctrl-C reaches the workers too (the whole
    job), yet the output is the command's one line, with no worker traceback or warning."""
    pytest.importorskip("distributed")
    scenario = Path(__file__).parents[2] / "workflows" / "attachment.toml"
    command = ["run", scenario, "--smoke", "--replicas", "2", "--workers", "2"]
    out = tmp_path / "ensemble"
    process, log = _start(tmp_path, *command, "-o", out)
    _wait_for(lambda: any(out.glob("member-*/md/log.csv")), process, "the members' MD under way")
    output = _ctrl_c(process, log)
    _assert_interrupted(process, output)
    assert "WARNING" not in output, output
    _ok(*command, "-o", out)  # run again: the members continue from their checkpoints
    assert (out / "ensemble.csv").is_file()
