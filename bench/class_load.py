"""A class pressing Train together, at the job-manager level with real TensorFlow workers.

Run: python bench/class_load.py [--learners 8 16 30] [--workers 2] [--backend local|dask]
     [--data-dir ../shared/data/keras-datasets] [--policy]
Each learner submits the default digits run (30 epochs), first with workers running jobs in
turns (time slicing, the default), then with each job running alone to its end (slicing
off), in one run. With course data, a mix: 2 MNIST CNN and 2 IMDB runs, then 10 digits runs.
Prints the first point (submit → first epoch in the record: median, p90, slowest) and the
last finish; `--policy` adds the round-robin and Stop checks. The last line is
`slowest first point: X s` (with slicing, the most learners).
(`--backend dask` starts a scheduler and 2 `dask worker` processes on 127.0.0.1.)
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.manager import JobManager, Policy
from core.lab.config import TrainingConfig
from core.lab.presets import IMDB, IMDB_QUICK, MNIST_CNN, MNIST_QUICK

RUN = TrainingConfig()
COURSE_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "keras-datasets"


def submit_all(manager: JobManager, owners: list[str], config=RUN, data_dir=None) -> dict:
    payload = TrainingPayload(config, data_dir)
    return {o: manager.submit(o, TRAINING_TASK, payload) for o in owners}


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


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def together(manager: JobManager, n: int) -> dict:
    owners = [f"learner-{i}" for i in range(n)]
    clicked = time.time()
    ids = submit_all(manager, owners)
    firsts = first_points(manager, ids, clicked)
    jobs = wait_all(manager, ids)
    assert all(j.status == "finished" for j in jobs), [j.reason for j in jobs]
    return {"firsts": firsts, "last": max(j.ended for j in jobs) - clicked}


def lone(manager: JobManager, runs: int = 7) -> dict:
    """One learner at a time (nobody to take turns with): epoch time and run length."""
    epochs, lengths = [], []
    for i in range(runs):
        job = wait_all(manager, submit_all(manager, [f"lone-{i}"]))[0]
        epochs += [h["seconds"] for h in job.history[1:]]
        lengths.append(job.ended - job.started)
    return {"epoch": statistics.median(epochs), "length": statistics.median(lengths)}


def longest_gap(job) -> float:
    """The longest a job went without a new point after its first (its waits behind the
    others' turns)."""
    times = [h["received_at"] for h in job.history]
    return max((b - a for a, b in itertools.pairwise(times)), default=0.0)


def mix(manager: JobManager, data_dir: str) -> dict:
    """2 MNIST CNN and 2 IMDB runs press Train first, then 10 learners the digits run."""
    cnn = replace(MNIST_CNN, **MNIST_QUICK)
    imdb = replace(IMDB, **IMDB_QUICK)
    clicked = time.time()
    big = {
        **submit_all(manager, ["cnn-0", "cnn-1"], cnn, data_dir),
        **submit_all(manager, ["imdb-0", "imdb-1"], imdb, data_dir),
    }
    time.sleep(0.5)
    small_clicked = time.time()
    small = submit_all(manager, [f"digits-{i}" for i in range(10)])
    firsts = first_points(manager, small, small_clicked)
    small_jobs, big_jobs = wait_all(manager, small), wait_all(manager, big)
    assert all(j.status == "finished" for j in small_jobs + big_jobs)
    return {
        "firsts": firsts,
        "gap": max(longest_gap(j) for j in small_jobs),
        "small_last": max(j.ended for j in small_jobs) - small_clicked,
        "last": max(j.ended for j in small_jobs + big_jobs) - clicked,
    }


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
    parser.add_argument("--learners", type=int, nargs="+", default=[8, 16, 30])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", choices=("local", "dask"), default="local")
    parser.add_argument("--data-dir", default=str(COURSE_DATA) if COURSE_DATA.exists() else "")
    parser.add_argument("--policy", action="store_true", help="also round-robin and Stop")
    args = parser.parse_args()
    if args.backend == "dask":
        from core.jobs.dask_backend import DaskPool
        from tests.dask_cluster import dask_cluster

        with dask_cluster(args.workers) as (address, _):
            manager = JobManager(backend=DaskPool(address), policy=Policy(max_queued=200))
            report({"Dask": measure(manager, args)}, args)
        return
    results = {}
    for mode, turn_jobs in (("in turns", None), ("each alone", 1)):
        manager = JobManager(args.workers, policy=Policy(max_queued=200), turn_jobs=turn_jobs)
        results[mode] = measure(manager, args)
    report(results, args)


def measure(manager: JobManager, args) -> dict:
    assert manager.wait_ready(300)
    warm = submit_all(manager, [f"warm-{i}" for i in range(args.workers)])  # one per worker
    wait_all(manager, warm)
    found = {"lone": lone(manager)}
    found.update({n: together(manager, n) for n in args.learners})
    if args.data_dir:
        found["mix"] = mix(manager, args.data_dir)
    if args.policy:
        fairness(manager, max(args.learners))
        stop_latency(manager, max(args.learners))
    manager.shutdown()
    return found


def report(results: dict, args) -> None:
    print(f"{args.backend}, {args.workers} workers; default digits run (30 epochs); seconds")
    print("| load | jobs | first point: median / p90 / slowest | last finish |")
    print("|---|---|---|---|")
    for n in args.learners:
        for mode, found in results.items():
            firsts, last = found[n]["firsts"], found[n]["last"]
            print(
                f"| {n} learners | {mode} | {statistics.median(firsts):.1f} / {p90(firsts):.1f}"
                f" / {max(firsts):.1f} | {last:.1f} |"
            )
    if args.data_dir:
        print()
        print(
            "| mix: 2 MNIST CNN + 2 IMDB, then 10 digits | jobs | digits first point: "
            "median / slowest | longest a digits run went without a point, after its first "
            "| digits last finish | all finished |"
        )
        print("|---|---|---|---|---|---|")
        for mode, found in results.items():
            m = found["mix"]
            print(
                f"| mix | {mode} | {statistics.median(m['firsts']):.1f} / {max(m['firsts']):.1f}"
                f" | {m['gap']:.1f} | {m['small_last']:.1f} | {m['last']:.1f} |"
            )
    if len(results) == 2:
        sliced, alone = results["in turns"], results["each alone"]
        print()
        for key, what in (("epoch", "epoch time"), ("length", "run length")):
            print(
                f"one learner alone: median {what} {sliced['lone'][key] * 1000:.1f} ms in turns,"
                f" {alone['lone'][key] * 1000:.1f} ms without: "
                f"{sliced['lone'][key] / alone['lone'][key]:.3f}×"
            )
        for n in args.learners:
            print(
                f"{n} learners: last finish in turns / alone = "
                f"{sliced[n]['last'] / alone[n]['last']:.2f}"
            )
    top = max(args.learners)
    print(f"slowest first point: {max(next(iter(results.values()))[top]['firsts']):.1f} s")


if __name__ == "__main__":
    main()
