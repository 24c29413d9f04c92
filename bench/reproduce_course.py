"""Train the course's setups at full size and print them beside the course's numbers.

Run: python bench/reproduce_course.py --data-dir ../shared/data/keras-datasets
        [--parts imdb,kfold,mnist,capacity,regularization,mnist_variants]
Uses the lab's own jobs (lab_task.run_training, kfold_task.run_kfold in core.training) in this
process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench.epoch_speed import Recorder
from core.jobs.contract import KFoldPayload, TrainingPayload
from core.lab.kfold import COURSE_CONFIG, COURSE_SETTINGS, fold_average
from core.lab.presets import IMDB, MNIST_CNN, PRESETS
from core.training.kfold_task import run_kfold
from core.training.lab_task import run_training


def train(config, data_dir: str, task=run_training, kfold=None):
    recorder = Recorder()
    started = time.perf_counter()
    payload = (
        TrainingPayload(config, data_dir)
        if kfold is None
        else KFoldPayload(config, kfold, data_dir)
    )
    result = task(payload, recorder)
    return recorder.history, result, time.perf_counter() - started


def imdb_rows(data_dir: str) -> list[tuple[str, str, str]]:
    history, result, seconds = train(IMDB, data_dir)
    best = min(history, key=lambda h: h["val_loss"])
    return [
        ("IMDB 16-16: epoch of min validation loss", "~4", f"{best['epoch']}"),
        ("IMDB 16-16: min validation loss", "0.278", f"{best['val_loss']:.3f}"),
        ("IMDB 16-16: validation loss at epoch 20", "0.64", f"{history[-1]['val_loss']:.3f}"),
        ("IMDB 16-16: test accuracy, last epoch", "84.4 %", pct(result["test_last"])),
        ("IMDB 16-16: test accuracy, best checkpoint", "88.5 %", pct(result["test_best"])),
        ("IMDB 16-16: training time", "", f"{seconds:.0f} s"),
    ]


def kfold_rows(data_dir: str) -> list[tuple[str, str, str]]:
    history, result, seconds = train(COURSE_CONFIG, data_dir, task=run_kfold, kfold=COURSE_SETTINGS)
    average = fold_average(history, COURSE_CONFIG.epochs)
    spread = average.std["val_data_loss"][average.best_index]
    return [
        ("K-fold IMDB 1,000, k=4: argmin of avg val loss", "10", f"{average.best_index}"),
        (
            "K-fold: avg val loss at that epoch (± std)",
            "",
            f"{average.mean['val_data_loss'][average.best_index]:.3f} ± {spread:.3f}",
        ),
        ("K-fold: final model test accuracy", "83.2 %", pct(result["test"])),
        ("K-fold: 5 models, training time", "", f"{seconds:.0f} s"),
    ]


def mnist_rows(data_dir: str) -> list[tuple[str, str, str]]:
    _, result, seconds = train(MNIST_CNN, data_dir)
    return [
        (
            "MNIST CNN: test accuracy, last epoch",
            "99.18 %",
            f"{result['test_last']['accuracy']:.2%}",
        ),
        ("MNIST CNN: training time", "", f"{seconds:.0f} s"),
    ]


def lowest(history: list[dict], key: str = "val_loss") -> tuple[int, float]:
    best = min(history, key=lambda h: h[key])
    return best["epoch"], best[key]


def preset_runs(key: str, data_dir: str) -> dict[str, tuple]:
    return {label: train(config, data_dir) for label, config in PRESETS[key].configs(quick=False)}


def capacity_rows(data_dir: str) -> list[tuple[str, str, str]]:
    runs = preset_runs("imdb_capacity", data_dir)
    rows = []
    for label, course in (
        ("4-4", "17, 0.4312"),
        ("16-16", "(not printed)"),
        ("512-512", "2, 0.2744"),
    ):
        epoch, value = lowest(runs[label][0])
        rows.append(
            (f"IMDB {label} (split 0.4, last): lowest val loss at", course, f"{epoch}, {value:.4f}")
        )
    return rows


def regularization_rows(data_dir: str) -> list[tuple[str, str, str]]:
    runs = preset_runs("imdb_regularization", data_dir)
    rows = []
    for label, (history, _result, _) in runs.items():
        epoch, value = lowest(history, "val_data_loss")
        rows.append((f"IMDB {label}: lowest val data loss at", "plot", f"{epoch}, {value:.4f}"))
        rows.append(
            (
                f"IMDB {label}: val data loss at epoch 20",
                "plot",
                f"{history[-1]['val_data_loss']:.4f}",
            )
        )
    return rows


def mnist_variant_rows(data_dir: str) -> list[tuple[str, str, str]]:
    runs = preset_runs("mnist_cnn", data_dir)
    course = {"plain": "99.18 %", "dropout": "99.17 %", "batch norm": "99.10 %"}
    return [
        (
            f"MNIST CNN {label}: test accuracy, last epoch",
            course[label],
            f"{result['test_last']['accuracy']:.2%}",
        )
        for label, (_, result, _) in runs.items()
    ]


def pct(scores: dict) -> str:
    return f"{scores['accuracy']:.1%}"


PARTS = {
    "imdb": imdb_rows,
    "kfold": kfold_rows,
    "mnist": mnist_rows,
    "capacity": capacity_rows,
    "regularization": regularization_rows,
    "mnist_variants": mnist_variant_rows,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument(
        "--parts", default="imdb,kfold,mnist", help="comma-separated: " + ",".join(PARTS)
    )
    args = parser.parse_args()
    rows = []
    for part in args.parts.split(","):
        rows += PARTS[part.strip()](args.data_dir)
    print(f"{'measure':<46} {'course':>8} {'lab':>8}")
    for label, course, ours in rows:
        print(f"{label:<46} {course:>8} {ours:>8}")


if __name__ == "__main__":
    main()
