"""Class-hosting policy through real worker processes: fairness, limits, lifecycle, recycling."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from core.jobs.manager import JobManager, Policy
from core.jobs.worker import Recycle
from tests.dask_cluster import dask_cluster
from tests.test_jobs import wait_for

pytestmark = pytest.mark.slow  # real worker processes on both backends

TASKS = "tests.tasks"
SLOW = {"epochs": 400, "delay": 0.02}


@pytest.fixture(scope="module")
def dask_one_worker_cluster():
    with dask_cluster(1) as (address, _):
        yield address


def _managers(request, backend: str):
    """A factory of job managers over one worker of `backend`, all shut down afterwards."""
    managers = []

    def make(**options):
        if backend == "local":
            manager = JobManager(1, startup="", **{"turn_jobs": 1, **options})  # queue tests
        else:
            from core.jobs.dask_backend import DaskPool

            address = request.getfixturevalue("dask_one_worker_cluster")
            manager = JobManager(backend=DaskPool(address, startup=""), **options)
        managers.append(manager)
        assert manager.wait_ready(60)
        return manager

    yield make
    for manager in managers:
        manager.shutdown()


@pytest.fixture
def one_worker(request):
    """One local worker (recycling options apply to this backend only)."""
    yield from _managers(request, "local")


@pytest.fixture(params=["local", "dask"])
def one_slot(request):
    """One worker on either backend: the policy must not care which."""
    yield from _managers(request, request.param)


def test_round_robin_across_learners(one_slot):
    manager = one_slot()
    blocker = manager.submit("a", f"{TASKS}:count", {"epochs": 15, "delay": 0.02})
    a_jobs = [manager.submit("a", f"{TASKS}:count", {"tag": f"a{i}"}) for i in range(3)]
    b_job = manager.submit("b", f"{TASKS}:count", {"tag": "b"})
    assert manager.snapshot("b", b_job).queue_position == 2  # after a's first, not a's third
    assert [manager.snapshot("a", j).queue_position for j in a_jobs] == [1, 3, 4]
    assert manager.snapshot("b", b_job).estimated_wait > 0
    manager.wait("a", blocker, 30)
    for job_id in a_jobs:
        manager.wait("a", job_id, 30)
    manager.wait("b", b_job, 30)
    starts = {j: manager.snapshot("a", j).started for j in a_jobs}
    b_start = manager.snapshot("b", b_job).started
    assert starts[a_jobs[0]] < b_start < starts[a_jobs[1]] < starts[a_jobs[2]]


def test_time_limit_stops_a_job_with_a_reason(one_slot):
    manager = one_slot(policy=Policy(time_limit=0.5))
    job = manager.wait("a", manager.submit("a", f"{TASKS}:count", SLOW), 20)
    assert job.status == "stopped"
    assert "time limit" in job.reason
    assert 0 < len(job.history) < 400
    follow = manager.wait("a", manager.submit("a", f"{TASKS}:count", {}), 20)
    assert follow.status == "finished"  # stopped cooperatively: no restart needed
    assert manager.status()["restarts"] == 0


def test_a_vanished_learners_jobs_are_stopped(one_slot):
    manager = one_slot(policy=Policy(owner_timeout=1.0))
    gone = manager.submit("gone", f"{TASKS}:count", SLOW)
    queued = manager.submit("gone", f"{TASKS}:count", SLOW)
    here = manager.submit("here", f"{TASKS}:count", {"epochs": 100, "delay": 0.02})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and manager.snapshot("here", here).active:
        manager.heartbeat("here")  # this learner's tab stays open
        time.sleep(0.2)
    assert manager.snapshot("here", here).status == "finished"
    for job_id in (gone, queued):
        job = manager.snapshot("gone", job_id)
        assert job.status == "stopped" and "tab was closed" in job.reason


def test_start_up_failures_back_off_then_recover(tmp_path, monkeypatch):
    flag = tmp_path / "crash"
    flag.write_text("crash")
    monkeypatch.setenv("REGLAB_TEST_CRASH_FLAG", str(flag))
    manager = JobManager(1, startup=f"{TASKS}:crash_while_flagged")
    try:
        job_id = manager.submit("a", f"{TASKS}:count", {})
        assert wait_for(lambda: "fail to start" in manager.status()["problem"], 30)
        time.sleep(1.5)
        assert manager.snapshot("a", job_id).status == "queued"  # waits, never fails
        flag.unlink()
        job = manager.wait("a", job_id, 60)
        assert job.status == "finished"
        assert manager.status()["problem"] == ""
    finally:
        manager.shutdown()


def test_worker_recycled_after_its_job_count_with_no_job_lost(one_worker):
    manager = one_worker(recycle=Recycle(max_jobs=1))
    ids = [manager.submit("a", f"{TASKS}:count", {"tag": i}) for i in range(3)]
    jobs = [manager.wait("a", job_id, 60) for job_id in ids]
    assert [job.status for job in jobs] == ["finished"] * 3
    pids = {job.history[0]["pid"] for job in jobs}
    assert len(pids) == 3  # a fresh worker for each job
    assert manager.status()["recycled"] >= 2
    assert manager.status()["restarts"] == 0


def test_worker_recycled_when_its_memory_passes_the_limit(one_worker):
    manager = one_worker(recycle=Recycle(max_rss_mb=150))
    small = manager.wait("a", manager.submit("a", f"{TASKS}:hold_memory", {"mb": 1}), 30)
    big = manager.wait("a", manager.submit("a", f"{TASKS}:hold_memory", {"mb": 200}), 30)
    after = manager.wait("a", manager.submit("a", f"{TASKS}:hold_memory", {"mb": 1}), 60)
    assert small.result["pid"] == big.result["pid"]  # a small job does not recycle
    assert after.status == "finished" and after.result["pid"] != big.result["pid"]
    assert manager.status()["recycled"] == 1


SERVER = textwrap.dedent(
    """
    import sys, time
    from core.jobs.manager import JobManager
    manager = JobManager(2, startup="")
    assert manager.wait_ready(60)
    print(" ".join(map(str, manager.status()["pids"])), flush=True)
    time.sleep(600)
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead too
        return stat.read().split()[2] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_no_worker_outlives_a_killed_server():
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True, cwd=os.getcwd()
    )
    try:
        pids = [int(p) for p in server.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        assert wait_for(lambda: not any(_alive(p) for p in pids), 10)
    finally:
        server.kill()
