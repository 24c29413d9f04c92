"""A class pressing Train together, at the job-manager level with real TensorFlow workers.

Run: python bench/class_load.py [--learners 8 16 30] [--workers 2] [--backend local|dask]
     [--data-dir ../shared/data/keras-datasets] [--repeats 2] [--policy]
Each learner submits the default digits run (30 epochs) to workers running jobs in turns
(time slicing, the default) and to workers running each job alone to its end (slicing off),
the two pools side by side, the loads alternating between them, each `--repeats` times.
With course data, a mix: 2 MNIST CNN and 2 IMDB runs, then 10 digits runs. Prints the first
point (submit → first epoch in the record: median, p90, slowest) and the last finish, each
the median over the repeats; `--policy` adds the round-robin and Stop checks. The last line
is `slowest first point: X s` (with slicing, the most learners).
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
    parser.add_argument("--repeats", type=int, default=2, help="of each load, modes alternating")
    parser.add_argument("--policy", action="store_true", help="also round-robin and Stop")
    args = parser.parse_args()
    policy = Policy(max_queued=200)
    if args.backend == "dask":
        from core.jobs.dask_backend import DaskPool
        from tests.dask_cluster import dask_cluster

        with dask_cluster(args.workers) as (address, _):
            report(measure({"Dask": JobManager(backend=DaskPool(address), policy=policy)}, args))
        return
    managers = {  # both at once (idle workers cost no CPU): every load runs on each in turn
        "in turns": JobManager(args.workers, policy=policy),
        "each alone": JobManager(args.workers, policy=policy, turn_jobs=1),
    }
    report(measure(managers, args), args)


def measure(managers: dict[str, JobManager], args) -> dict:
    """Every load on every manager, alternating, `repeats` times: {mode: {load: [found]}}."""
    for manager in managers.values():
        assert manager.wait_ready(300)
        wait_all(manager, submit_all(manager, [f"warm-{i}" for i in range(args.workers)]))
    loads = {"lone": lone, **{n: (lambda m, n=n: together(m, n)) for n in args.learners}}
    if args.data_dir:
        loads["mix"] = lambda m: mix(m, args.data_dir)
    results: dict = {mode: {} for mode in managers}
    for load, run_load in loads.items():
        for _ in range(args.repeats):
            for mode, manager in managers.items():
                results[mode].setdefault(load, []).append(run_load(manager))
    for manager in managers.values():
        if args.policy:
            fairness(manager, max(args.learners))
            stop_latency(manager, max(args.learners))
        manager.shutdown()
    return results


def _median(found: list[dict], key: str, of=None) -> float:
    """The median over repeats of one figure (of a list figure: of(list) first)."""
    return statistics.median(of(f[key]) if of else f[key] for f in found)


def report(results: dict, args) -> None:
    print(
        f"{args.backend}, {args.workers} workers; default digits run (30 epochs); seconds; "
        f"medians of {args.repeats} repeats, the modes alternating"
    )
    print("| load | jobs | first point: median / p90 / slowest | last finish |")
    print("|---|---|---|---|")
    for n in args.learners:
        for mode, found in results.items():
            runs = found[n]
            print(
                f"| {n} learners | {mode} | {_median(runs, 'firsts', statistics.median):.1f} / "
                f"{_median(runs, 'firsts', p90):.1f} / {_median(runs, 'firsts', max):.1f} | "
                f"{_median(runs, 'last'):.1f} |"
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
            runs = found["mix"]
            print(
                f"| mix | {mode} | {_median(runs, 'firsts', statistics.median):.1f} / "
                f"{_median(runs, 'firsts', max):.1f} | {_median(runs, 'gap'):.1f} | "
                f"{_median(runs, 'small_last'):.1f} | {_median(runs, 'last'):.1f} |"
            )
    if len(results) == 2:
        sliced, alone = results["in turns"], results["each alone"]
        print()
        for key, what in (("epoch", "epoch time"), ("length", "run length")):
            ours, without = _median(sliced["lone"], key), _median(alone["lone"], key)
            print(
                f"one learner alone: median {what} {ours * 1000:.1f} ms in turns, "
                f"{without * 1000:.1f} ms without: {ours / without:.3f}×"
            )
        for n in args.learners:
            ratio = _median(sliced[n], "last") / _median(alone[n], "last")
            print(f"{n} learners: last finish in turns / alone = {ratio:.2f}")
    top = max(args.learners)
    slowest = _median(next(iter(results.values()))[top], "firsts", max)
    print(f"slowest first point: {slowest:.1f} s")


if __name__ == "__main__":
    main()
