"""Job lifecycle through real spawned worker processes."""

import os
import signal
import time

import pytest

pytestmark = pytest.mark.slow  # real worker processes on both backends

TASKS = "tests.tasks"


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_job_finishes_with_history_and_result(light_pool):
    job_id = light_pool.submit("alice", f"{TASKS}:count", {"epochs": 4, "tag": "a"})
    job = light_pool.wait("alice", job_id, 30)
    assert job.status == "finished"
    assert [h["epoch"] for h in job.history] == [1, 2, 3, 4]
    assert job.result == {"epochs": 4, "tag": "a"}


def test_stop_is_cooperative_and_prompt(light_pool):
    job_id = light_pool.submit("alice", f"{TASKS}:count", {"epochs": 1000, "delay": 0.02})
    assert wait_for(lambda: len(light_pool.snapshot("alice", job_id).history) >= 2)
    assert light_pool.stop("alice", job_id)
    assert wait_for(lambda: not light_pool.snapshot("alice", job_id).active, 5)
    job = light_pool.snapshot("alice", job_id)
    assert job.status == "stopped"
    assert "learner" in job.reason
    assert len(job.history) < 1000


def test_job_ignoring_stop_is_killed_and_worker_replaced(light_pool):
    restarts = light_pool.status()["restarts"]
    job_id = light_pool.submit("alice", f"{TASKS}:ignore_stop", {})
    assert wait_for(lambda: light_pool.snapshot("alice", job_id).history)
    pid = light_pool.snapshot("alice", job_id).history[0]["pid"]
    light_pool.stop("alice", job_id)
    assert wait_for(lambda: not light_pool.snapshot("alice", job_id).active, 5)
    job = light_pool.snapshot("alice", job_id)
    assert job.status == "stopped" and "restarted" in job.reason
    assert light_pool.status()["restarts"] == restarts + 1
    assert wait_for(lambda: light_pool.status()["ready"] == 2, 30)
    follow = light_pool.wait("alice", light_pool.submit("alice", f"{TASKS}:count", {}), 30)
    assert follow.status == "finished"
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def test_worker_killed_mid_job_fails_that_job_only(light_pool):
    assert wait_for(lambda: light_pool.status()["ready"] == 2, 30)
    victim = light_pool.submit("alice", f"{TASKS}:count", {"epochs": 1000, "delay": 0.02})
    bystander = light_pool.submit("bob", f"{TASKS}:count", {"epochs": 30, "delay": 0.02})
    assert wait_for(lambda: light_pool.snapshot("alice", victim).history)
    os.kill(light_pool.snapshot("alice", victim).history[0]["pid"], signal.SIGKILL)
    assert wait_for(lambda: not light_pool.snapshot("alice", victim).active, 10)
    job = light_pool.snapshot("alice", victim)
    assert job.status == "failed" and "worker process died" in job.reason
    assert light_pool.wait("bob", bystander, 30).status == "finished"


def test_task_errors_and_divergence_are_reported(light_pool):
    failed = light_pool.wait("alice", light_pool.submit("alice", f"{TASKS}:boom", {}), 30)
    assert failed.status == "failed" and failed.reason == "ValueError: bad wiring"
    diverged = light_pool.wait("alice", light_pool.submit("alice", f"{TASKS}:diverge", {}), 30)
    assert diverged.status == "diverged" and "nan" in diverged.reason


def test_queue_is_fifo_with_positions(light_pool):
    assert wait_for(lambda: light_pool.status()["ready"] == 2, 30)
    blockers = [
        light_pool.submit("q", f"{TASKS}:count", {"epochs": 40, "delay": 0.02}) for _ in range(2)
    ]
    waiting = [light_pool.submit("q", f"{TASKS}:count", {"tag": i}) for i in range(3)]
    positions = [light_pool.snapshot("q", j).queue_position for j in waiting]
    assert positions == [1, 2, 3]
    for job_id in blockers + waiting:
        assert light_pool.wait("q", job_id, 60).status == "finished"
    starts = [light_pool.snapshot("q", j).started for j in waiting]
    assert starts == sorted(starts)


def test_queued_job_stops_at_once(light_pool):
    blockers = [
        light_pool.submit("q", f"{TASKS}:count", {"epochs": 20, "delay": 0.02}) for _ in range(2)
    ]
    queued = light_pool.submit("q", f"{TASKS}:count", {})
    assert light_pool.stop("q", queued)
    assert light_pool.snapshot("q", queued).status == "stopped"
    for job_id in blockers:
        light_pool.wait("q", job_id, 30)


def test_sessions_are_isolated(light_pool):
    job_id = light_pool.wait("alice", light_pool.submit("alice", f"{TASKS}:count", {}), 30).id
    assert light_pool.snapshot("mallory", job_id) is None
    assert not light_pool.stop("mallory", job_id)
    assert not light_pool.delete("mallory", job_id)
    assert all(job.owner == "mallory" for job in light_pool.jobs("mallory"))
    assert job_id in [job.id for job in light_pool.jobs("alice")]


def test_a_job_with_its_own_grace_is_not_killed_until_stop_now(light_pool):
    job_id = light_pool.submit("g", f"{TASKS}:ignore_stop", {}, stop_grace=60)
    assert wait_for(lambda: light_pool.snapshot("g", job_id).history)
    light_pool.stop("g", job_id)
    time.sleep(2 * light_pool.stop_grace)
    assert light_pool.snapshot("g", job_id).status == "running"  # finishing its current trial
    light_pool.stop("g", job_id, now=True)
    assert wait_for(lambda: light_pool.snapshot("g", job_id).status == "stopped", 10)
