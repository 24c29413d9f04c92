"""Train the course's setups at full size and print them beside the course's numbers.

Run: python bench/reproduce_course.py --data-dir ../shared/data/keras-datasets [--skip-mnist]
Uses the lab's own training path (core.training.run_training) in this process.
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
from core.presets import IMDB, MNIST_CNN
from core.training import run_training


def train(config, data_dir: str):
    recorder = Recorder()
    started = time.perf_counter()
    result = run_training({"config": config, "data_dir": data_dir}, recorder)
    return recorder.history, result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--skip-mnist", action="store_true", help="IMDB only (MNIST takes long)")
    args = parser.parse_args()
    rows = []
    history, result, seconds = train(IMDB, args.data_dir)
    best = min(history, key=lambda h: h["val_loss"])
    rows += [
        ("IMDB 16-16: epoch of min validation loss", "~4", f"{best['epoch']}"),
        ("IMDB 16-16: min validation loss", "0.278", f"{best['val_loss']:.3f}"),
        ("IMDB 16-16: validation loss at epoch 20", "0.64", f"{history[-1]['val_loss']:.3f}"),
        (
            "IMDB 16-16: test accuracy, last epoch",
            "84.4 %",
            f"{result['test_last']['accuracy']:.1%}",
        ),
        (
            "IMDB 16-16: test accuracy, best checkpoint",
            "88.5 %",
            f"{result['test_best']['accuracy']:.1%}",
        ),
        ("IMDB 16-16: training time", "", f"{seconds:.0f} s"),
    ]
    if not args.skip_mnist:
        history, result, seconds = train(MNIST_CNN, args.data_dir)
        rows += [
            (
                "MNIST CNN: test accuracy, last epoch",
                "99.18 %",
                f"{result['test_last']['accuracy']:.2%}",
            ),
            ("MNIST CNN: training time", "", f"{seconds:.0f} s"),
        ]
    print(f"{'measure':<46} {'course':>8} {'lab':>8}")
    for label, course, ours in rows:
        print(f"{label:<46} {course:>8} {ours:>8}")


if __name__ == "__main__":
    main()
