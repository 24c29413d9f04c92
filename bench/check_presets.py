"""Run every lecture preset at quick size, as a learner would, and print what each run shows.

Run: python bench/check_presets.py --data-dir ../shared/data/keras-datasets [--presets a,b]
Each preset's runs are queued together on the default pool of 2 workers (like the page does);
prints per run: lowest validation loss (data part) and its epoch, the last epoch's validation
accuracy, test accuracy (last epoch / best checkpoint), and per preset the wall time from the
click to the last run's end — to check each "what to notice" against its own quick run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.manager import JobManager
from core.lab.presets import PRESETS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("REGLAB_DATA_DIR"))
    parser.add_argument("--presets", default=",".join(PRESETS))
    args = parser.parse_args()
    manager = JobManager(2)
    assert manager.wait_ready(300)
    print("| preset | run | lowest val loss (epoch) | last val acc | test acc last / best |")
    print("|---|---|---|---|---|")
    for key in args.presets.split(","):
        clicked = time.time()
        ids = [
            (
                label,
                manager.submit("bench", TRAINING_TASK, TrainingPayload(c, args.data_dir)),
            )
            for label, c in PRESETS[key].configs(quick=True)
        ]
        jobs = [(label, manager.wait("bench", job_id, 3600)) for label, job_id in ids]
        for label, job in jobs:
            if job.status != "finished" or not job.history:
                print(f"| {key} | {label} | {job.status}: {job.reason[:60]} | | |")
                continue
            best = min(job.history, key=lambda h: h["val_data_loss"])
            last, kept = job.result["test_last"], job.result["test_best"]
            print(
                f"| {key} | {label} | {best['val_data_loss']:.3f} ({best['epoch']}) "
                f"| {job.history[-1]['val_accuracy']:.3f} "
                f"| {last['accuracy']:.3f} / {kept['accuracy']:.3f} |",
                flush=True,
            )
        took = max(job.ended for _, job in jobs) - clicked
        print(f"| {key} | **all runs, click → last end** | {took:.0f} s | | |", flush=True)
    manager.shutdown()


if __name__ == "__main__":
    main()
