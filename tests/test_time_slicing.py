"""Time slicing: a worker's jobs take turns, round-robin across owners, and each computes
exactly what it would alone (real TensorFlow workers); Stop, big models, kills, recycling."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from core.jobs.backend import Message
from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.local_pool import LocalPool
from core.jobs.manager import JobManager
from core.jobs.turns import Turns, fits_in_turns
from core.jobs.worker import Recycle
from core.lab.config import TrainingConfig
from tests.fake_backend import FakeBackend

TASKS = "tests.tasks"

CONFIGS = {  # dropout, batch norm, early stopping (restoring the best), a penalty and SGD
    "dropout+bn": TrainingConfig(
        epochs=5, units=(32, 16), dropout=(0.3, 0.2), batchnorm=(True, False), seed=3
    ),
    "early stop": TrainingConfig(
        epochs=12, units=(16,), early_stopping=True, es_patience=1, learning_rate=0.05, seed=5
    ),
    "sgd": TrainingConfig(epochs=4, units=(24,), optimizer="sgd", momentum=0.9, seed=11),
}


def _fingerprint(job) -> dict:
    """What must match bit for bit: every epoch's numbers and the test scores."""
    keys = ("loss", "accuracy", "val_loss", "val_accuracy", "penalty")
    result = job.result
    return {
        "status": job.status,
        "history": [[h[k] for k in keys] for h in job.history],
        "best_epoch": result["best_epoch"],
        "epochs_run": result["epochs_run"],
        "test": [result["test_last"]["loss"], result["test_best"]["loss"], result["final"]],
    }


def _runs(manager: JobManager, configs: dict, seeds=(0, 1)) -> dict:
    """Every config under each seed, one learner per config, submitted together."""
    ids = {}
    for i, (name, config) in enumerate(configs.items()):
        for seed in seeds:
            payload = TrainingPayload(replace(config, seed=config.seed + seed))
            ids[(name, seed, i)] = manager.submit(f"learner-{i}", TRAINING_TASK, payload)
    return {key: manager.wait(f"learner-{key[2]}", job_id, 600) for key, job_id in ids.items()}


@pytest.fixture(scope="module")
def sliced_and_alone():
    """One TensorFlow worker slicing up to 15 jobs, and one running each job alone."""
    sliced, alone = JobManager(1), JobManager(1, turn_jobs=1)
    assert sliced.wait_ready(180) and alone.wait_ready(180)
    yield sliced, alone
    sliced.shutdown()
    alone.shutdown()


@pytest.mark.slow
def test_sliced_runs_are_bit_identical_to_runs_alone(sliced_and_alone):
    sliced, alone = sliced_and_alone
    together = _runs(sliced, CONFIGS)
    one_by_one = _runs(alone, CONFIGS)
    for key in together:
        assert together[key].status == "finished", together[key].reason
        assert _fingerprint(together[key]) == _fingerprint(one_by_one[key]), key
    early = together[("early stop", 0, 1)]
    assert early.result["epochs_run"] < 12  # early stopping did stop it, in turns too
    spans = [(j.started, j.ended) for j in together.values()]
    overlapping = sum(a[0] < b[1] and b[0] < a[1] for a in spans for b in spans if a != b)
    assert overlapping >= 6  # they did run in turns, not one after the other


@pytest.mark.slow
def test_stop_of_a_paused_job_ends_it_and_not_the_others(sliced_and_alone):
    sliced, _ = sliced_and_alone
    long = TrainingConfig(epochs=500, units=(16,))
    ids = [sliced.submit(f"s{i}", TRAINING_TASK, TrainingPayload(long)) for i in range(3)]
    deadline = time.monotonic() + 120
    while not all(sliced.snapshot(f"s{i}", j).history for i, j in enumerate(ids)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    running = sliced.snapshot("s0", ids[0])
    assert running.turns_with == 2 and running.estimated_left is not None
    restarts = sliced.status()["restarts"]
    assert sliced.stop("s1", ids[1])
    stopped = sliced.wait("s1", ids[1], 30)
    assert stopped.status == "stopped" and "learner" in stopped.reason
    assert stopped.result is not None and stopped.result["stopped_by_learner"]
    assert sliced.snapshot("s0", ids[0]).active and sliced.snapshot("s2", ids[2]).active
    for owner, job_id in (("s0", ids[0]), ("s2", ids[2])):
        sliced.stop(owner, job_id)
        assert sliced.wait(owner, job_id, 30).status == "stopped"
    assert sliced.status()["restarts"] == restarts  # nobody's worker was killed


# ---- the turn order, without processes -----------------------------------------------------
def _take_turns(turns: Turns, job: int, owner: str, rounds: int, started: threading.Event):
    turns.take(job, owner)
    started.set()
    for _ in range(rounds):
        time.sleep(0.001)
        turns.pass_on(job, owner)
    turns.end(job)


def test_turns_go_round_robin_across_owners_not_jobs():
    turns = Turns(quantum=0.0)
    gate = threading.Event()
    turns.take(0, "holder")  # holds the turn while the others line up
    jobs = [(1, "a"), (2, "a"), (3, "a"), (4, "b"), (5, "c")]
    threads = []
    for job, owner in jobs:
        thread = threading.Thread(target=_take_turns, args=(turns, job, owner, 3, gate))
        thread.start()
        threads.append(thread)
        while turns.waiting() < len(threads):
            time.sleep(0.001)
    turns.end(0)
    for thread in threads:
        thread.join(10)
    order = list(turns.order)[1:]
    assert order[:5] == [1, 4, 5, 2, 3]  # first points: one per owner per round
    assert sorted(order) == sorted([j for j, _ in jobs] * 4)  # every job its 4 turns


def test_a_lone_job_never_waits_and_a_stopping_job_goes_first():
    turns = Turns(quantum=0.0)
    turns.take(1, "a")
    assert turns.pass_on(1, "a") is False  # nobody waits: no switch, no cost
    ready = threading.Event()
    later = [
        threading.Thread(target=_take_turns, args=(turns, j, o, 0, ready))
        for j, o in ((2, "b"), (3, "c"))
    ]
    for thread in later:
        thread.start()
    while turns.waiting() < 2:
        time.sleep(0.001)
    turns.hurry(3)
    turns.end(1)
    for thread in later:
        thread.join(10)
    assert list(turns.order) == [1, 3, 2]


def test_a_job_past_its_quantum_yields_only_when_others_wait():
    turns = Turns(quantum=10.0)
    turns.take(1, "a")
    other = threading.Thread(target=lambda: (turns.take(2, "b"), turns.end(2)))
    other.start()
    while turns.waiting() < 1:
        time.sleep(0.001)
    assert turns.pass_on(1, "a") is True  # job 2 has no first point: it goes at once
    other.join(10)
    assert list(turns.order) == [1, 2, 1]
    turns.end(1)


def test_big_models_do_not_take_turns():
    assert fits_in_turns(TrainingPayload(TrainingConfig()))
    assert not fits_in_turns(TrainingPayload(TrainingConfig(units=(4096, 4096))), 4_000_000)
    assert fits_in_turns({"epochs": 3})  # a task without a model: small


def test_a_job_given_back_by_its_worker_is_first_in_line_again():
    backend = FakeBackend(1)
    manager = JobManager(backend=backend, background=False)
    first = manager.submit("a", f"{TASKS}:count", {})
    second = manager.submit("b", f"{TASKS}:count", {})
    manager.pump()
    number = backend.runs[0][1]
    backend.running.clear()
    backend._inbox.append(Message("returned", 0, number, {}))
    manager.pump()
    assert manager.snapshot("a", first).status == "running"  # given back, then first again
    assert [run[1] for run in backend.runs] == [number, number]
    assert manager.snapshot("b", second).status == "queued"
    manager.shutdown()


# ---- light workers (no TensorFlow): kills and recycling while slicing ------------------------
def _sliced_light(**options) -> JobManager:
    manager = JobManager(1, startup="", stop_grace=0.8, **options)
    assert manager.wait_ready(60)
    return manager


@pytest.mark.slow
def test_a_stuck_job_is_killed_and_the_jobs_sharing_its_worker_start_again():
    manager = _sliced_light()
    try:
        stuck = manager.submit("a", f"{TASKS}:ignore_stop", {})
        deadline = time.monotonic() + 30
        while not manager.snapshot("a", stuck).history:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        others = [manager.submit(o, f"{TASKS}:count", {"tag": o}) for o in ("b", "c")]
        time.sleep(0.3)
        assert manager.snapshot("b", others[0]).status == "running"  # waiting for a turn
        manager.stop("a", stuck)
        assert manager.wait("a", stuck, 30).status == "stopped"
        for owner, job_id in zip(("b", "c"), others, strict=True):
            job = manager.wait(owner, job_id, 60)
            assert job.status == "finished" and job.result["tag"] == owner
        assert manager.status()["restarts"] == 1
    finally:
        manager.shutdown()


@pytest.mark.slow
def test_a_worker_recycled_while_slicing_loses_no_job():
    manager = _sliced_light(recycle=Recycle(max_jobs=1))
    try:

        def submit(i: int, epochs: int) -> str:
            payload = {"epochs": epochs, "delay": 0.02, "tag": i}
            return manager.submit(f"o{i}", f"{TASKS}:count", payload)

        ids = [submit(i, 3 if i == 0 else 30) for i in range(3)]  # in turns on one worker
        manager.wait("o0", ids[0], 60)
        ids += [submit(i, 5) for i in range(3, 6)]  # while the others finish on it
        jobs = [manager.wait(f"o{i}", job_id, 60) for i, job_id in enumerate(ids)]
        assert [job.status for job in jobs] == ["finished"] * 6
        assert [job.result["tag"] for job in jobs] == list(range(6))
        assert len({job.history[0]["pid"] for job in jobs}) >= 2  # a fresh worker took over
        deadline = time.monotonic() + 30
        while manager.status()["recycled"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert manager.status()["restarts"] == 0
    finally:
        manager.shutdown()


@pytest.mark.slow
def test_a_big_model_waits_for_an_idle_worker_and_runs_there_alone():
    manager = JobManager(backend=LocalPool(1, startup="", turn_params=1000), stop_grace=0.8)
    assert manager.wait_ready(60)
    try:
        small = TrainingPayload(TrainingConfig(units=(8,)))  # 610 parameters
        big = TrainingPayload(TrainingConfig(units=(64,)))  # 4,810
        assert fits_in_turns(small, 1000) and not fits_in_turns(big, 1000)
        first = manager.submit("a", f"{TASKS}:count_config", small)
        large = manager.submit("b", f"{TASKS}:count_config", big)
        after = manager.submit("c", f"{TASKS}:count_config", small)
        jobs = [manager.wait(o, j, 60) for o, j in (("a", first), ("b", large), ("c", after))]
        assert all(job.status == "finished" for job in jobs)
        a, b, c = jobs
        assert c.started < a.ended  # the small ones shared the worker, in turns
        assert b.started >= max(a.ended, c.ended) - 0.05  # the big one waited for it to idle
        solo = manager.submit("e", f"{TASKS}:count_config", big)
        small_after = manager.submit("f", f"{TASKS}:count_config", small)
        e, f = manager.wait("e", solo, 60), manager.wait("f", small_after, 60)
        assert e.status == f.status == "finished"
        assert f.started >= e.ended - 0.05  # nothing joins a big one: it runs alone
    finally:
        manager.shutdown()


def test_the_status_line_says_who_it_trains_in_turns_with_and_how_long_is_left():
    from core.jobs.records import JobRecord
    from pages.ui.run_view import _turns_text

    job = JobRecord("run-1", 1, "a", TRAINING_TASK, "run", None, status="running")
    assert _turns_text(job) == ""  # alone, before its first point
    job.turns_with, job.estimated_left, job.history = 14, 21.4, [{"epoch": 1}]
    assert _turns_text(job) == " · training in turns with 14 others · about 21 s left"
    job.turns_with = 1
    assert "in turns with 1 other ·" in _turns_text(job)
