"""A class pressing Train together, at the job-manager level with real TensorFlow workers.

Run: python bench/class_load.py [--learners 8 16] [--workers 2] [--backend local|dask]
(`--backend dask` starts a scheduler and 2 `dask worker` processes on 127.0.0.1.)
Each learner submits the default digits run (30 epochs). Then one learner queues 5 runs
before the others submit one each: with round-robin the others start after at most one of
those 5 (FIFO would put all 5 first). Last, every learner starts a long run and presses Stop.
Prints first point (submit → first epoch in the record), queue wait, all finished and Stop.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.manager import JobManager, Policy
from core.lab.config import TrainingConfig

RUN = TrainingConfig()


def submit_all(manager: JobManager, owners: list[str], config=RUN) -> dict[str, str]:
    return {o: manager.submit(o, TRAINING_TASK, TrainingPayload(config)) for o in owners}


def wait_all(manager: JobManager, ids: dict[str, str]) -> list:
    return [manager.wait(o, job_id, 3600) for o, job_id in ids.items()]


def first_points(manager: JobManager, ids: dict[str, str], clicked: float) -> list[float]:
    firsts: dict[str, float] = {}
    while len(firsts) < len(ids):
        for owner, job_id in ids.items():
            if owner not in firsts:
                job = manager.snapshot(owner, job_id)
                if job.history:
                    firsts[owner] = job.history[0]["received_at"] - clicked
                elif not job.active:
                    firsts[owner] = float("nan")
        time.sleep(0.02)
    return list(firsts.values())


def together(manager: JobManager, n: int) -> None:
    owners = [f"learner-{i}" for i in range(n)]
    clicked = time.time()
    ids = submit_all(manager, owners)
    firsts = first_points(manager, ids, clicked)
    jobs = wait_all(manager, ids)
    waits = [j.started - j.created for j in jobs]
    done = max(j.ended for j in jobs) - clicked
    print(
        f"| {n} learners, one run each | {statistics.median(firsts):.1f} / {max(firsts):.1f} "
        f"| {statistics.median(waits):.1f} / {max(waits):.1f} | {done:.1f} |",
        flush=True,
    )


def fairness(manager: JobManager, n: int) -> None:
    ids = {
        f"eager-{i}": manager.submit("eager", TRAINING_TASK, TrainingPayload(RUN)) for i in range(5)
    }
    others = submit_all(manager, [f"other-{i}" for i in range(n - 1)])
    first_other = min(manager.wait(o, j, 3600).started for o, j in others.items())
    eager_before = sum(manager.wait("eager", j, 3600).started < first_other for j in ids.values())
    print(
        f"| {n} learners, one queued 5 runs first | eager runs started before the first "
        f"other learner's: {eager_before} of 5 (FIFO: 5) | | |",
        flush=True,
    )


def stop_latency(manager: JobManager, n: int) -> None:
    owners = [f"stopper-{i}" for i in range(n)]
    ids = submit_all(manager, owners, TrainingConfig(epochs=500))
    time.sleep(8)
    pressed = {}
    for owner, job_id in ids.items():  # everyone presses Stop at about the same moment
        pressed[owner] = time.monotonic()
        manager.stop(owner, job_id)
    latencies = {}
    while len(latencies) < len(ids):
        for owner, job_id in ids.items():
            if owner not in latencies and not manager.snapshot(owner, job_id).active:
                latencies[owner] = time.monotonic() - pressed[owner]
        time.sleep(0.002)
    latencies = list(latencies.values())
    restarts = manager.status()["restarts"]
    print(
        f"| {n} learners press Stop | Stop median {statistics.median(latencies):.3f} s, "
        f"max {max(latencies):.3f} s | worker restarts so far: {restarts} | |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", choices=("local", "dask"), default="local")
    args = parser.parse_args()
    if args.backend == "dask":
        from core.jobs.dask_backend import DaskPool
        from tests.dask_cluster import dask_cluster

        with dask_cluster(args.workers) as (address, _):
            run(JobManager(backend=DaskPool(address), policy=Policy(max_queued=200)), args)
    else:
        run(JobManager(args.workers, policy=Policy(max_queued=200)), args)


def run(manager: JobManager, args) -> None:
    assert manager.wait_ready(300)
    manager.wait("warm", manager.submit("warm", TRAINING_TASK, TrainingPayload(RUN)), 300)
    print(f"{args.backend}, {args.workers} workers; default digits run; seconds, median / max")
    print("| load | first point | queue wait | all finished |")
    print("|---|---|---|---|")
    for n in args.learners:
        together(manager, n)
    fairness(manager, max(args.learners))
    stop_latency(manager, max(args.learners))
    manager.shutdown()


if __name__ == "__main__":
    main()
