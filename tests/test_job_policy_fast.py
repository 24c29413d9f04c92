"""The job policy on a FakeBackend: no processes, no pump thread, milliseconds, deterministic.

The same rules run through real worker processes on both backends in test_jobs.py and
test_job_policy.py (slow tier)."""

import time

import pytest

from core.jobs.backend import Backend
from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.eta import job_seconds, measured_scale, seconds_left
from core.jobs.fair_queue import FairQueue
from core.jobs.manager import JobLimitReached, JobManager, Policy
from core.jobs.policy import WARMUP_GRACE, estimate_wait
from core.jobs.records import JobRecord
from core.lab.config import TrainingConfig
from core.lab.estimate import epoch_seconds, estimate_seconds
from tests.fake_backend import FakeBackend

TASK = "tests.tasks:count"


def manager(size: int = 1, **options) -> tuple[JobManager, FakeBackend]:
    backend = FakeBackend(size)
    jobs = JobManager(backend=backend, background=False, **options)
    return jobs, backend


def number(jobs: JobManager, owner: str, job_id: str) -> int:
    return jobs.snapshot(owner, job_id).number


def test_the_fake_is_a_backend():
    assert isinstance(FakeBackend(), Backend)


def test_round_robin_serves_one_job_per_learner_per_round():
    jobs, backend = manager()
    blocker = jobs.submit("a", TASK, {})
    a = [jobs.submit("a", TASK, {"tag": i}) for i in range(3)]
    b = jobs.submit("b", TASK, {})
    c = jobs.submit("c", TASK, {})
    assert [jobs.snapshot("a", j).queue_position for j in a] == [1, 4, 5]
    assert jobs.snapshot("b", b).queue_position == 2
    assert jobs.snapshot("c", c).queue_position == 3
    for _ in range(5):
        backend.finish(backend.running[0])
        jobs.pump()
    names = {number(jobs, "a", j): f"a{i}" for i, j in enumerate([blocker, *a])}
    names |= {number(jobs, "b", b): "b", number(jobs, "c", c): "c"}
    assert [names[n] for n in backend.started_order()] == ["a0", "a1", "b", "c", "a2", "a3"]


def test_fair_queue_alone():
    queue = FairQueue()
    for owner, job in [("a", 1), ("a", 2), ("a", 3), ("b", 4)]:
        queue.push(owner, job)
    assert queue.positions() == {1: 1, 4: 2, 2: 3, 3: 4}
    queue.remove("a", 2)
    assert [queue.pop(), queue.pop(), queue.pop(), queue.pop()] == [1, 4, 3, None]
    assert len(queue) == 0 and queue.owners == 0


def test_per_learner_and_server_caps():
    jobs, _ = manager(policy=Policy(max_active_per_owner=2, max_queued=3))
    jobs.submit("a", TASK, {})  # runs
    jobs.submit("a", TASK, {})  # queued
    with pytest.raises(JobLimitReached, match="per learner"):
        jobs.submit("a", TASK, {})
    jobs.submit("b", TASK, {})  # another learner is not affected
    jobs.submit("c", TASK, {})
    with pytest.raises(JobLimitReached, match="queue is full"):
        jobs.submit("d", TASK, {})


def test_a_stopped_job_frees_its_learners_place():
    jobs, backend = manager(policy=Policy(max_active_per_owner=2))
    first = jobs.submit("a", TASK, {})
    jobs.submit("a", TASK, {})
    with pytest.raises(JobLimitReached, match="2 jobs queued or running"):
        jobs.submit("a", TASK, {})
    jobs.stop("a", first)
    backend.say(number(jobs, "a", first), "stopped", reason="Stopped by the learner.")
    jobs.pump()
    jobs.submit("a", TASK, {})  # a place is free again
    assert [j.task for j in jobs.jobs("a", task="nope")] == []


def test_a_queued_job_stops_at_once_and_never_runs():
    jobs, backend = manager()
    jobs.submit("a", TASK, {})
    queued = jobs.submit("a", TASK, {})
    assert jobs.stop("a", queued)
    job = jobs.snapshot("a", queued)
    assert job.status == "stopped" and "before it started" in job.reason
    backend.finish(backend.running[0])
    jobs.pump()
    assert len(backend.runs) == 1


def test_stop_is_signalled_then_a_job_that_ignores_it_is_killed():
    jobs, backend = manager(stop_grace=0.01)
    job_id = jobs.submit("a", TASK, {})
    job = number(jobs, "a", job_id)
    backend.say(job, "epoch", epoch=1)
    jobs.pump()
    jobs.stop("a", job_id)
    assert backend.stops == [job]
    time.sleep(0.02)
    jobs.pump()
    ended = jobs.snapshot("a", job_id)
    assert ended.status == "stopped" and "restarted" in ended.reason
    assert backend.kills == [0]


def test_a_job_still_warming_up_or_wrapping_up_gets_longer():
    jobs, backend = manager(stop_grace=0.01)
    warming = jobs.submit("a", TASK, {})
    jobs.pump()
    jobs.stop("a", warming)
    time.sleep(0.02)
    jobs.pump()
    assert jobs.snapshot("a", warming).status == "running" and WARMUP_GRACE > 0.02
    backend.say(number(jobs, "a", warming), "stopping")
    jobs.pump()
    time.sleep(0.02)
    jobs.pump()
    assert jobs.snapshot("a", warming).status == "running"  # wrapping up: not killed yet
    backend.say(number(jobs, "a", warming), "stopped", reason="Stopped by the learner.")
    jobs.pump()
    assert jobs.snapshot("a", warming).status == "stopped" and not backend.kills


def test_time_limit_stops_a_running_job_with_its_reason():
    jobs, backend = manager(policy=Policy(time_limit=0.03))
    job_id = jobs.submit("a", TASK, {})
    time.sleep(0.05)
    jobs.pump()
    job = number(jobs, "a", job_id)
    assert backend.stops == [job]
    backend.say(job, "stopped", reason="Stopped by the learner.")
    jobs.pump()
    ended = jobs.snapshot("a", job_id)
    assert ended.status == "stopped" and "time limit" in ended.reason


def test_a_vanished_learners_jobs_stop_but_a_present_ones_run_on():
    jobs, backend = manager(size=2, policy=Policy(owner_timeout=0.03))
    gone_running = jobs.submit("gone", TASK, {})
    here = jobs.submit("here", TASK, {})
    gone_queued = jobs.submit("gone", TASK, {})
    time.sleep(0.05)
    jobs.heartbeat("here")
    jobs.pump()
    assert jobs.snapshot("gone", gone_queued).status == "stopped"
    assert backend.stops == [number(jobs, "gone", gone_running)]
    assert "tab was closed" in jobs.snapshot("gone", gone_running).stop_reason
    assert jobs.snapshot("here", here).status == "running"


def test_a_lost_worker_fails_its_job_only_and_late_messages_are_dropped():
    jobs, backend = manager(size=2)
    first, second = jobs.submit("a", TASK, {}), jobs.submit("b", TASK, {})
    lost = number(jobs, "a", first)
    backend.die(lost)
    jobs.pump()
    assert jobs.snapshot("a", first).status == "failed"
    assert "died" in jobs.snapshot("a", first).reason
    assert jobs.snapshot("b", second).status == "running"
    backend.running[backend.slot_of(number(jobs, "b", second)) + 10] = lost  # a stray sender
    backend.say(lost, "epoch", epoch=99)
    jobs.pump()
    assert jobs.snapshot("a", first).history == []


def test_history_progress_live_and_result_reach_the_record():
    jobs, backend = manager()
    job_id = jobs.submit("a", TASK, {})
    job = number(jobs, "a", job_id)
    backend.say(job, "epoch", epoch=1, loss=0.5)
    backend.say(job, "progress", batch=3)
    backend.say(job, "live", points=[1])
    backend.say(job, "live", boundary=[2])
    backend.finish(job, accuracy=0.9)
    jobs.pump()
    record = jobs.snapshot("a", job_id)
    assert record.status == "finished" and record.result == {"accuracy": 0.9}
    assert record.history[0]["loss"] == 0.5 and "received_at" in record.history[0]
    assert record.progress == {"batch": 3} and record.live == {"points": [1], "boundary": [2]}


def test_learners_see_stop_and_delete_only_their_own_jobs():
    jobs, backend = manager()
    job_id = jobs.submit("a", TASK, {})
    assert jobs.snapshot("b", job_id) is None and jobs.jobs("b") == []
    assert not jobs.stop("b", job_id) and not backend.stops
    backend.finish(number(jobs, "a", job_id))
    jobs.pump()
    assert not jobs.delete("b", job_id) and jobs.delete("a", job_id)


def test_old_runs_are_forgotten_beyond_the_keep_limit():
    jobs, backend = manager(keep_per_owner=2)
    ids = []
    for _ in range(4):
        ids.append(jobs.submit("a", TASK, {}))
        backend.finish(backend.running[0])
        jobs.pump()
    assert [j.id for j in jobs.jobs("a")] == ids[1:]  # forgotten at the next submit
    jobs.submit("a", TASK, {})
    assert len(jobs.jobs("a")) == 3 and ids[1] not in [j.id for j in jobs.jobs("a")]


def test_wait_estimates_grow_with_the_queue_position():
    jobs, _ = manager()
    jobs.submit("a", TASK, {})
    waiting = [jobs.submit(o, TASK, {}) for o in ("b", "c", "d")]
    waits = [jobs.snapshot(o, j).estimated_wait for o, j in zip("bcd", waiting, strict=True)]
    assert 0 < waits[0] < waits[1] < waits[2]
    assert estimate_wait([], running_left=[], slots=2) == 0.0
    assert estimate_wait([30.0, 30.0], running_left=[20.0, 5.0], slots=2) == pytest.approx(35.0)


def _lab_run(number: int, epochs: int, done: int, per_epoch: float = 0.05) -> JobRecord:
    history = [{"epoch": e, "seconds": 1.5 if e == 1 else per_epoch} for e in range(1, done + 1)]
    return JobRecord(
        id=f"run-{number}",
        number=number,
        owner="a",
        task=TRAINING_TASK,
        label="",
        payload=TrainingPayload(TrainingConfig(dataset="moons", epochs=epochs)),
        status="running",
        started=time.time() - 10,
        history=history,
    )


def test_a_running_lab_run_has_its_remaining_epochs_left_at_its_own_speed():
    # two 400-epoch runs at 195 and 100 epochs: the next learner waits for the sooner one,
    # and the wait shrinks as they train (it was "starts in about 1 s", unchanged)
    first, second = _lab_run(1, 400, 195), _lab_run(2, 400, 100)
    left = [seconds_left(j, 30.0, None) for j in (first, second)]
    assert left == pytest.approx([205 * 0.05, 300 * 0.05])
    assert estimate_wait([], left, slots=2) == pytest.approx(205 * 0.05)
    first.history += [{"epoch": e, "seconds": 0.05} for e in range(196, 296)]
    assert seconds_left(first, 30.0, None) == pytest.approx(105 * 0.05)
    queued = _lab_run(3, 500, 0)
    assert job_seconds(queued, 30.0, None) == pytest.approx(estimate_seconds(queued.payload.config))
    assert job_seconds(queued, 30.0, 2.0) > job_seconds(queued, 30.0, None)  # a slower server


def test_a_finished_lab_run_measures_the_servers_speed_against_the_estimate():
    job = _lab_run(1, 400, 200, per_epoch=0.05)
    job.result = {"sizes": {"train": 384}}
    per_epoch = epoch_seconds(job.payload.config, 384)
    assert measured_scale(job) == pytest.approx(0.05 / per_epoch)
    assert measured_scale(_lab_run(2, 400, 2)) is None  # too few epochs, no sizes


def test_status_counts_queued_running_and_learners():
    jobs, _ = manager()
    jobs.submit("a", TASK, {})
    jobs.submit("a", TASK, {})
    jobs.submit("b", TASK, {})
    status = jobs.status()
    assert (status["running"], status["queued"], status["learners"]) == (1, 2, 2)
