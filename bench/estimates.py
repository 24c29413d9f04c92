"""How right the Lab's "this run will take about …" is: predicted against measured run time.

Run: python bench/estimates.py [--data-dir ../shared/data/keras-datasets] [--presets all|none]
Runs 10 Lab configs on the embedded data and every lecture preset at quick size (the course
presets only with --data-dir), one at a time on a warm worker, as a learner would. For each
run: the estimate before the run (core.lab.estimate, for the epochs it actually ran: early
stopping ends some sooner), the measured time (the run's epochs, first one included), and the
error; last, the median error over all runs (goal: ≤ 30 %).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.manager import JobManager
from core.lab.config import TrainingConfig
from core.lab.estimate import estimate_seconds
from core.lab.presets import PRESETS

LAB_CONFIGS = {
    "moons 64-64, 150 epochs": TrainingConfig(dataset="moons", epochs=150),
    "circles 16-16, batch 16": TrainingConfig(
        dataset="circles", units=(16, 16), batch_size=16, epochs=100
    ),
    "spiral 64-64-64": TrainingConfig(dataset="spiral", units=(64, 64, 64), epochs=120),
    "xor, batch 8": TrainingConfig(dataset="xor", batch_size=8, epochs=50),
    "digits default": TrainingConfig(epochs=40),
    "digits 256-256, 300 examples": TrainingConfig(units=(256, 256), train_subset=300, epochs=120),
    "digits 512-512, batch 128": TrainingConfig(units=(512, 512), batch_size=128, epochs=40),
    "random table 64, early stopping": TrainingConfig(
        dataset="random", n_samples=1000, units=(64,), epochs=100, early_stopping=True
    ),
    "digits 128-64-64, BN, dropout": TrainingConfig(
        units=(128, 64, 64), dropout=(0.3,), batchnorm=(True,), l2=(0.001,), epochs=60
    ),
    "moons 5,000 points, batch 64": TrainingConfig(
        dataset="moons", n_samples=5000, batch_size=64, epochs=60
    ),
}


def runs_to_check(with_course: bool, presets: bool) -> list[tuple[str, TrainingConfig]]:
    runs = list(LAB_CONFIGS.items())
    if presets:
        for preset in PRESETS.values():
            for label, config in preset.configs(quick=True):
                if config.info.embedded or with_course:
                    runs.append((f"{preset.key}: {label}", config))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("REGLAB_DATA_DIR"))
    parser.add_argument("--presets", choices=("all", "none"), default="all")
    args = parser.parse_args()
    manager = JobManager(2)
    assert manager.wait_ready(300)
    warm = manager.submit("bench", TRAINING_TASK, TrainingPayload(TrainingConfig(epochs=2)), "")
    manager.wait("bench", warm, 300)
    errors = []
    print("| run | epochs run | estimate (s) | measured (s) | error |")
    print("|---|---|---|---|---|")
    for name, config in runs_to_check(bool(args.data_dir), args.presets == "all"):
        job_id = manager.submit("bench", TRAINING_TASK, TrainingPayload(config, args.data_dir), "")
        job = manager.wait("bench", job_id, 3600)
        if job.status != "finished" or not job.history:
            print(f"| {name} | {job.status}: {job.reason[:60]} | | | |")
            continue
        ran = len(job.history)
        predicted = estimate_seconds(replace(config, epochs=ran))
        measured = sum(h["seconds"] for h in job.history)
        error = predicted / measured - 1
        errors.append(abs(error))
        print(f"| {name} | {ran} | {predicted:.1f} | {measured:.1f} | {error:+.0%} |")
    manager.shutdown()
    print(f"\nmedian error over {len(errors)} runs: {statistics.median(errors):.0%}")


if __name__ == "__main__":
    main()
