"""Threads per worker: one job alone, and two jobs at once, with 1 vs all cores per worker.

Run: python bench/threads.py --data-dir ../shared/data/keras-datasets [--epochs 3]
A pool of 2 workers trains the course's MNIST CNN on 6,000 images (the quick lecture size),
first one job alone, then two at once, under REGLAB_TF_THREADS=1 and =<cores>. Prints the
median epoch seconds and the wall time of the pair; core.jobs.local_pool.threads_per_worker's
default follows from it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.manager import JobManager
from core.lab.presets import MNIST_CNN


def run(manager: JobManager, owners: list[str], config, data_dir: str) -> tuple[float, float]:
    """(median epoch seconds after the first, wall seconds until all ended)."""
    started = time.time()
    payload = TrainingPayload(config, data_dir)
    ids = {o: manager.submit(o, TRAINING_TASK, payload) for o in owners}
    jobs = [manager.wait(o, job_id, 3600) for o, job_id in ids.items()]
    seconds = [h["seconds"] for job in jobs for h in job.history[1:]]
    return statistics.median(seconds), max(job.ended for job in jobs) - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("REGLAB_DATA_DIR"))
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    config = replace(MNIST_CNN, train_subset=6000, epochs=args.epochs)
    cores = os.cpu_count() or 1
    print(f"MNIST CNN, 6,000 images, {args.epochs} epochs; {cores} cores, 2 workers")
    print("| threads per worker | alone: s/epoch | two at once: s/epoch | two at once: wall s |")
    print("|---|---|---|---|")
    rows = {}
    for threads in sorted({1, cores}):
        os.environ["REGLAB_TF_THREADS"] = str(threads)
        manager = JobManager(2)
        assert manager.wait_ready(300)
        run(manager, ["warm"], replace(config, epochs=2), args.data_dir)  # data cached
        alone, _ = run(manager, ["alone"], config, args.data_dir)
        pair, wall = run(manager, ["one", "two"], config, args.data_dir)
        manager.shutdown()
        rows[threads] = (alone, pair, wall)
        print(f"| {threads} | {alone:.2f} | {pair:.2f} | {wall:.1f} |", flush=True)
    if cores > 1:
        (one_alone, _, one_wall), (all_alone, _, all_wall) = rows[1], rows[cores]
        print(f"all cores vs 1 thread: alone {one_alone / all_alone:.2f}× faster; "
              f"two at once {one_wall / all_wall:.2f}× (below 1: slower)")  # fmt: skip


if __name__ == "__main__":
    main()
