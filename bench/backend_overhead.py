"""What the Dask backend adds over the local pool, per job and per epoch, and Stop latency.

Run: python bench/backend_overhead.py [--jobs 30]
Both backends run the same no-TensorFlow task (`bench/tasks.py`) on 2 workers of this
machine: the local pool's spawned processes, and a Dask scheduler with 2 `dask worker`
processes on 127.0.0.1 started by this script.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.jobs.manager import JobManager
from tests.dask_cluster import dask_cluster

TASK = "bench.tasks:tick"


def measure(manager: JobManager, jobs: int) -> tuple[float, float, float]:
    """(median submit→end of a one-epoch job, median epoch delivery, median Stop), seconds."""
    assert manager.wait_ready(120)
    manager.wait("b", manager.submit("b", TASK, {}), 60)  # first call imports the task
    ends = []
    for _ in range(jobs):
        start = time.time()
        job = manager.wait("b", manager.submit("b", TASK, {}), 60)
        ends.append(job.ended - start)
    job = manager.wait("b", manager.submit("b", TASK, {"epochs": 200, "delay": 0.01}), 60)
    delivery = [h["received_at"] - h["sent_at"] for h in job.history]
    stops = []
    for _ in range(5):
        job_id = manager.submit("b", TASK, {"epochs": 10_000, "delay": 0.01})
        while len(manager.snapshot("b", job_id).history) < 5:
            time.sleep(0.005)
        pressed = time.monotonic()
        manager.stop("b", job_id)
        while manager.snapshot("b", job_id).active:
            time.sleep(0.002)
        stops.append(time.monotonic() - pressed)
    return statistics.median(ends), statistics.median(delivery), statistics.median(stops)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=30)
    args = parser.parse_args()
    local = JobManager(2, startup="")
    rows = {"local pool": measure(local, args.jobs)}
    local.shutdown()
    from core.jobs.dask_backend import DaskPool

    with dask_cluster(2) as (address, _):
        dask = JobManager(backend=DaskPool(address, startup=""))
        rows["Dask (2 dask workers)"] = measure(dask, args.jobs)
        dask.shutdown()
    print("| backend | job submit → end (1 epoch) | epoch sent → server | Stop → stopped |")
    print("|---|---|---|---|")
    for name, (end, delivery, stop) in rows.items():
        print(f"| {name} | {end * 1000:.1f} ms | {delivery * 1000:.1f} ms | {stop * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
