"""Run every lecture preset at quick size, as a learner would, and print what each run shows.

Run: python bench/check_presets.py --data-dir ../shared/data/keras-datasets [--presets a,b]
     [--seeds 3 [--write]]
Each preset's runs are queued together on the default pool of 2 workers (like the page does);
prints per run: lowest validation loss (data part) and its epoch, the last epoch's validation
accuracy, test accuracy (last epoch / best checkpoint), and per preset the wall time from the
click to the last run's end — to check each "what to notice" against its own quick run.
With `--seeds N` every run is repeated with N seeds: per setting the mean ± std over seeds,
and for each setting against the preset's first one the verdict (Welch's t, 95 % interval)
on the best validation loss and on test accuracy; `--write` keeps them in
assets/preset_checks.json, which the Lecture experiments page shows under "What to notice".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.manager import JobManager
from core.lab.presets import CHECKS, PRESETS
from core.runs.repeats import group_table, groups_of, seed_label, seeded, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("REGLAB_DATA_DIR"))
    parser.add_argument("--presets", default=",".join(PRESETS))
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="keep the checks in assets/")
    args = parser.parse_args()
    manager = JobManager(2)
    assert manager.wait_ready(300)
    checks = json.loads(CHECKS.read_text()) if CHECKS.exists() else {}
    print("| preset | run | lowest val loss (epoch) | last val acc | test acc last / best |")
    print("|---|---|---|---|---|")
    for key in args.presets.split(","):
        clicked = time.time()
        runs = [
            (seed_label(label, seeded_config, args.seeds), seeded_config)
            for label, c in PRESETS[key].configs(quick=True)
            for seeded_config in seeded(c, args.seeds)
        ]
        ids = [
            (name, manager.submit("bench", TRAINING_TASK, TrainingPayload(c, args.data_dir), name))
            for name, c in runs
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
        if args.seeds > 1:
            checks[key] = seed_checks([job for _, job in jobs], args.seeds, took)
            for row in checks[key]["groups"]:
                print(
                    f"| {key} | {row['Setting']} (mean ± std) | {row['Best validation loss']} "
                    f"| | {row['Test accuracy']} |"
                )
            for sentence in checks[key]["verdicts"]:
                print(f"|  {key} | verdict | {sentence} | | |", flush=True)
    manager.shutdown()
    if args.write:
        CHECKS.write_text(json.dumps(checks, indent=1, ensure_ascii=False) + "\n")


def seed_checks(jobs, seeds: int, took: float) -> dict:
    """Per setting its spread; per setting after the first, the verdicts against the first."""
    settings = groups_of(jobs)
    verdicts = [
        verdict(settings[0], other, measure).sentence
        for other in settings[1:]
        for measure in ("best validation loss", "test accuracy")
    ]
    return {
        "seeds": seeds,
        "seconds": round(took),
        "groups": group_table(settings),
        "verdicts": verdicts,
    }


if __name__ == "__main__":
    main()
