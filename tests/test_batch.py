"""Dask workers as batch jobs (`--cluster slurm|pbs`, dask-jobqueue; issue 22, item 5).

No batch system is needed: the job scripts dask-jobqueue writes are checked as text, and a
stand-in `sbatch` (runs the script in its own session and prints a job id; `scancel` kills
it) lets the jobs start real workers here, so the package's own path runs end to end."""

import os
import shlex
import signal
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from aucluster import parallel
from aucluster.cli import main
from aucluster.errors import ParameterError
from aucluster.parallel import BatchCluster, map_unordered


@pytest.fixture(autouse=True)
def _jobqueue():
    # not at import: the workers import this module for its task functions, and importing
    # dask_jobqueue replaces a process's SIGINT handler (BatchCluster.make puts it back)
    ctrl_c = signal.getsignal(signal.SIGINT)
    pytest.importorskip("dask_jobqueue")
    signal.signal(signal.SIGINT, ctrl_c)


SCENARIO = Path(__file__).parents[1] / "workflows" / "attachment.toml"


def test_the_slurm_job_script_asks_for_the_job_and_starts_workers_like_the_local_ones():
    script = BatchCluster(
        system="slurm", cores=4, memory="8GB", walltime="02:30:00", queue="short", account="au"
    ).job_script()
    for line in ("#SBATCH --cpus-per-task=4", "#SBATCH --mem=8G", "#SBATCH -t 02:30:00",
                 "#SBATCH -p short", "#SBATCH -A au"):  # fmt: skip
        assert line in script, script
    assert "--nthreads 1" in script  # one single-threaded worker per core: asap3 holds the GIL
    assert "--nworkers 4" in script
    # the local cluster's worker settings (profiler off, the preload) as Dask's variables
    import dask

    exported = dict(
        shlex.split(line)[1].split("=", 1)  # as bash reads it
        for line in script.splitlines()
        if line.startswith("export DASK_")
    )
    collected = dask.config.collect_env(exported)
    assert collected  # what a worker started by the job reads
    for key, value in parallel.WORKER_CONFIG.items():
        assert dask.config.get(key, config=collected) == value


def test_the_pbs_job_script_asks_for_the_job():
    script = BatchCluster(system="pbs", cores=2, memory="4GB", walltime="00:10:00").job_script()
    assert "#PBS -l select=1:ncpus=2:mem=3815MB" in script, script  # 4 GB = 3815 MiB
    assert "walltime=00:10:00" in script
    assert "--nworkers 2" in script


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"system": "lsf"}, "'lsf'"),
        ({"system": "slurm", "cores": 0}, "cores = 0"),
        ({"system": "slurm", "jobs": 1.5}, "jobs = 1.5"),
        ({"system": "slurm", "memory": "lots"}, "'lots'"),
        ({"system": "slurm", "walltime": "2h"}, "'2h'"),
    ],
)
def test_bad_job_settings_are_refused(kwargs, named):
    with pytest.raises(ParameterError, match=named):
        BatchCluster(**kwargs)


@pytest.fixture
def fake_slurm(tmp_path, monkeypatch):
    """`sbatch` and `scancel` on PATH that run a job script here (its own session)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    scripts = {
        "sbatch": f"""#!/usr/bin/env bash
job={jobs}/job-$$.sh
cp "$1" "$job"
setsid bash "$job" > "$job.log" 2>&1 < /dev/null &
echo "Submitted batch job $!"
""",
        "scancel": """#!/usr/bin/env bash
for id in "$@"; do kill -TERM -- "-$id" 2>/dev/null || true; done
""",
    }
    for name, text in scripts.items():
        path = bin_dir / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return jobs


def _worker_settings(_):
    import dask

    return (
        dask.config.get("distributed.worker.profile.enabled"),
        signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
    )


@pytest.mark.slow
def test_batch_workers_run_with_the_local_workers_settings(fake_slurm):
    batch = BatchCluster(system="slurm", cores=2, memory="2GB", walltime="00:10:00")
    on_jobs = sorted(map_unordered(_worker_settings, range(4), scheduler=batch))
    local = sorted(map_unordered(_worker_settings, range(4), workers=2))
    assert [r for _, r in on_jobs] == [r for _, r in local] == [(False, True)] * 4
    assert len(list(fake_slurm.glob("job-*.sh"))) == 1  # one job submitted, and it ran


@pytest.mark.slow
def test_an_ensemble_on_batch_jobs_equals_the_local_one(fake_slurm, tmp_path):
    def ensemble(out, *where):
        args = ["run", str(SCENARIO), "--smoke", "--replicas", "2", "-o", str(out), *where]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        return (out / "ensemble.csv").read_text()

    local = ensemble(tmp_path / "local", "--workers", "1")
    batch = ("--cluster", "slurm", "--jobs", "1", "--job-cores", "2", "--job-memory", "2GB")
    assert ensemble(tmp_path / "jobs", *batch) == local


def test_ctrl_c_stays_a_keyboard_interrupt_once_dask_jobqueue_is_imported():
    """dask_jobqueue's runner module installs `lambda *_: sys.exit()` for SIGINT on import
    (Ctrl-C would end a command with a silent exit 0); BatchCluster puts the handler back."""
    import subprocess
    import sys

    code = (
        "import signal\nfrom aucluster.parallel import BatchCluster\n"
        "BatchCluster(system='slurm').job_script()\n"
        "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
