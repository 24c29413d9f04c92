"""Epoch throughput: the lab's training path vs naive model.fit(numpy) on the digits MLP.

Run: python bench/epoch_speed.py [--epochs 40]
Both ways train the same model (default TrainingConfig: digits, 64-64 ReLU, Adam 1e-3,
batch 32) on the same split in one process. Per-epoch time is the median gap between
consecutive epoch ends after two warm-up epochs (wall clock, validation included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import itertools

import keras

from core.data.loading import load_splits
from core.jobs.contract import TrainingPayload
from core.jobs.reporter import Reporter
from core.lab.config import TrainingConfig
from core.training.lab_task import run_training
from core.training.model_builder import build_model


class EpochClock(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.ends = []

    def on_epoch_end(self, epoch, logs=None):
        self.ends.append(time.perf_counter())


class Recorder(Reporter):
    """A Reporter that keeps the epoch records in this process (parts of a job report here too)."""

    def __init__(self):
        super().__init__(1, self, types.SimpleNamespace(value=-1))
        self.ends, self.history = [], []

    def put(self, message) -> None:  # the event queue that TaggedReporter parts write to
        kind, _, _, data = message
        self.send(kind, data)

    def send(self, kind, data):
        if kind == "epoch":
            self.ends.append(time.perf_counter())
            self.history.append(data)


def steady_epoch_seconds(ends: list[float]) -> float:
    return statistics.median(b - a for a, b in itertools.pairwise(ends))


def naive(config: TrainingConfig) -> tuple[float, float]:
    splits = load_splits(config)
    keras.utils.set_random_seed(config.seed)
    model = build_model(config)
    model.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    clock = EpochClock()
    history = model.fit(
        splits.x_train,
        splits.y_train,
        batch_size=config.batch_size,
        epochs=config.epochs,
        validation_data=(splits.x_val, splits.y_val),
        callbacks=[clock],
        verbose=0,
    )
    return steady_epoch_seconds(clock.ends), history.history["val_accuracy"][-1]


def lab(config: TrainingConfig) -> tuple[float, float]:
    recorder = Recorder()
    run_training(TrainingPayload(config), recorder)
    return steady_epoch_seconds(recorder.ends), recorder.history[-1]["val_accuracy"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args()
    config = TrainingConfig(epochs=args.epochs)
    naive_s, naive_acc = naive(config)
    lab_s, lab_acc = lab(config)
    print(
        f"digits MLP 64-64, batch {config.batch_size}, {config.epochs} epochs, "
        f"{os.cpu_count()} CPU cores"
    )
    print(f"{'way':<40} {'s/epoch':>9} {'final val acc':>14}")
    print(f"{'naive model.fit(numpy, validation_data)':<40} {naive_s:>9.4f} {naive_acc:>14.4f}")
    print(f"{'lab (tf.data + steps_per_execution)':<40} {lab_s:>9.4f} {lab_acc:>14.4f}")
    print(f"accuracy difference: {abs(naive_acc - lab_acc) * 100:.2f} points")
    print(f"speedup: {naive_s / lab_s:.1f}")


if __name__ == "__main__":
    main()
