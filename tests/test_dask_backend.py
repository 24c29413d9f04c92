"""Dask-only behaviour: workers joining later get warmed and take jobs; the server stays TF-free."""

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from core.jobs.manager import JobManager
from tests.dask_cluster import ROOT, dask_cluster, start_worker

pytestmark = pytest.mark.slow  # a real Dask cluster

TASKS = "tests.tasks"


def test_a_worker_joining_later_is_warmed_and_takes_jobs():
    from core.jobs.dask_backend import DaskPool

    with dask_cluster(1) as (address, processes):
        manager = JobManager(backend=DaskPool(address, startup=""))
        try:
            assert manager.wait_ready(60)
            assert manager.status()["ready"] == 1
            processes.append(start_worker(address))  # a machine joins the class server
            deadline = time.monotonic() + 60
            while manager.status()["ready"] < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert manager.status()["ready"] == 2
            slow = {"epochs": 30, "delay": 0.05}
            ids = [manager.submit(f"l{i}", f"{TASKS}:count", slow) for i in range(2)]
            jobs = [manager.wait(f"l{i}", job_id, 60) for i, job_id in enumerate(ids)]
            assert [j.status for j in jobs] == ["finished", "finished"]
            assert len({j.history[0]["pid"] for j in jobs}) == 2  # both workers ran one
            assert jobs[1].started - jobs[0].started < 1.0  # side by side, not one after another
        finally:
            manager.shutdown()


def test_a_lost_worker_fails_its_job_within_seconds_not_after_a_retry():
    from core.jobs.dask_backend import DaskPool

    with dask_cluster(2) as (address, processes):
        manager = JobManager(backend=DaskPool(address, startup=""))
        try:
            assert manager.wait_ready(60)
            job_id = manager.submit("a", f"{TASKS}:count", {"epochs": 2000, "delay": 0.02})
            while not manager.snapshot("a", job_id).history:
                time.sleep(0.02)
            pid = manager.snapshot("a", job_id).history[0]["pid"]
            victim = next(p for p in processes if _owns(p.pid, pid))
            killed = time.monotonic()
            victim.kill()  # the whole machine goes: nanny and worker
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            job = manager.wait("a", job_id, 30)
            assert job.status == "failed" and "died" in job.reason
            assert time.monotonic() - killed < 10
            follow = manager.wait("a", manager.submit("a", f"{TASKS}:count", {}), 30)
            assert follow.status == "finished", follow.reason  # another worker takes the next job
        finally:
            manager.shutdown()


def _owns(parent: int, pid: int) -> bool:
    """Whether `pid` is `parent` or its child (a nanny and the worker process it started)."""
    if parent == pid:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().split()[3]) == parent
    except OSError:
        return False


SERVER = textwrap.dedent(
    """
    import sys
    from core.jobs.dask_backend import DaskPool
    from core.jobs.manager import JobManager
    manager = JobManager(backend=DaskPool(sys.argv[1], startup=""))
    assert manager.wait_ready(60)
    job = manager.wait("a", manager.submit("a", "tests.tasks:count", {}), 60)
    assert job.status == "finished", job.reason
    manager.shutdown()
    print("tensorflow" in sys.modules, "keras" in sys.modules)
    """
)


def test_the_server_process_never_imports_tensorflow_with_dask(dask_scheduler):
    address, _ = dask_scheduler
    done = subprocess.run(
        [sys.executable, "-c", SERVER, address],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split()[-2:] == ["False", "False"], done.stderr[-2000:]
