"""Memory of a class server: the job server (this process) plus its TensorFlow workers.

Run: python bench/memory.py --data-dir ../shared/data/keras-datasets [--workers 2]
This process plays the Streamlit server's part (the job manager, previews, imports; the
Streamlit runtime itself adds ~200 MB, see docs/RELIABILITY.md) and samples the resident
memory of itself and every worker 10 times a second. It prints one table row per step:
the server's MB, the workers' MB, their total, and the peak total during the step.
Baseline: `--no-recycle` runs the same steps with workers that never retire.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.data.preview import preview_elsewhere
from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.manager import JobManager
from core.jobs.worker import Recycle
from core.lab.config import TrainingConfig
from core.runs.records import records_from_json, run_json


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return 0.0


class Sampler:
    """Peak of server + workers, sampled every 0.1 s in a thread."""

    def __init__(self, manager: JobManager) -> None:
        self.manager, self.peak, self._stop = manager, 0.0, False
        threading.Thread(target=self._run, daemon=True).start()

    def now(self) -> tuple[float, float]:
        workers = sum(rss_mb(p) for p in self.manager.status()["pids"])
        return rss_mb(os.getpid()), workers

    def _run(self) -> None:
        while not self._stop:
            self.peak = max(self.peak, sum(self.now()))
            time.sleep(0.1)

    def row(self, step: str) -> None:
        server, workers = self.now()
        print(
            f"| {step} | {server:,.0f} | {workers:,.0f} | {server + workers:,.0f} "
            f"| {self.peak:,.0f} |",
            flush=True,
        )
        self.peak = 0.0


def run_all(manager: JobManager, configs: list[TrainingConfig], data_dir: str | None) -> list:
    ids = [manager.submit("bench", TRAINING_TASK, TrainingPayload(c, data_dir)) for c in configs]
    return [manager.wait("bench", job_id, 3600) for job_id in ids]


def big_run_file(epochs: int = 2_000) -> str:
    """A real export with the longest history a file may have: ten runs a file."""
    jobs = run_all_cache["digits"]
    document = json.loads(run_json(jobs[0]))
    document["history"] = [dict(document["history"][0], epoch=e) for e in range(1, epochs + 1)]
    return json.dumps([document] * 10)


run_all_cache: dict = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("REGLAB_DATA_DIR"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-recycle", action="store_true")
    args = parser.parse_args()
    recycle = Recycle(10**9, 10**9) if args.no_recycle else Recycle()
    manager = JobManager(args.workers, recycle=recycle)
    assert manager.wait_ready(300)
    sampler = Sampler(manager)
    print(f"workers: {args.workers}, recycle: {recycle}")
    print("| step | server MB | workers MB | total MB | peak total MB |")
    print("|---|---|---|---|---|")
    sampler.row("idle, workers warm")
    digits = TrainingConfig(epochs=5)
    run_all_cache["digits"] = run_all(manager, [digits], None)
    sampler.row("after a digits job")
    if args.data_dir:
        for name in ("imdb", "mnist"):
            preview_elsewhere(TrainingConfig(dataset=name), args.data_dir)
        sampler.row("after IMDB and MNIST previews (child process)")
        imdb = TrainingConfig(
            dataset="imdb", units=(16, 16), optimizer="rmsprop", batch_size=512, epochs=2
        )
        mnist = TrainingConfig(dataset="mnist", epochs=1, batch_size=128)
        cnn = TrainingConfig(dataset="mnist", architecture="cnn", epochs=1, train_subset=5000)
        jobs = run_all(manager, [imdb, mnist], args.data_dir)
        assert all(j.status == "finished" for j in jobs), [j.reason for j in jobs]
        sampler.row("after IMDB 16-16 and MNIST MLP jobs at once")
        run_all(manager, [cnn, imdb], args.data_dir)
        sampler.row("after MNIST CNN and IMDB jobs at once")
    shapes = [TrainingConfig(epochs=60, units=(32 + 4 * i, 32)) for i in range(15)]
    single = JobManager(1, recycle=recycle)  # one worker slicing 15 models of 15 shapes
    assert single.wait_ready(300)
    alone = Sampler(single)
    run_all(single, shapes[:1], None)
    alone.row("one worker: after one digits job")
    run_all(single, shapes, None)
    alone.row("one worker: 15 digits jobs of 15 shapes at once, in turns (peak: all 15 live)")
    single.shutdown()
    run_all(manager, [digits] * 40, None)
    sampler.row("after 40 more digits jobs")
    text = big_run_file()
    for _ in range(3):
        records, _ = records_from_json(text)
        for record in records:
            manager.adopt("importer", record)
        del records
    print(f"(each import: a {len(text) / 2**20:.0f} MB file of 10 runs × 2,000 epochs)")
    sampler.row("after 3 large imports (kept: the last 60 runs)")
    status = manager.status()
    print(f"recycled workers: {status['recycled']}, restarts: {status['restarts']}")
    manager.shutdown()


if __name__ == "__main__":
    main()
