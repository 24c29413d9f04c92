"""The course's workloads: the notebook's plain Keras code vs the lab's training path, per epoch.

Run: python bench/course_speed.py --data-dir ../shared/data/keras-datasets [--full]
       [--workloads imdb16,imdb512,cnn] [--repeats 2]
Both ways train the same model on the same split in this process, interleaved (notebook, lab,
notebook, lab, …: this machine's speed drifts by ±30 % over minutes), never alongside other
work. Each way's figure is the median over its repeats. The notebook way is the course's code:
multi-hot rows from vectorize_sequences (float64), images as float32 / 255, and
model.fit(x, y, validation_data=…).
The lab way is core.training.lab_task.run_training. Seconds per epoch are the median gap between
epoch ends after the first epoch (which traces), validation included both ways. GFLOP/s is the
arithmetic each way executes (the lab's sparse first layer multiplies only the words a review
has) over its epoch time, against this machine's peak (a float32 3072² matmul, same threads).
`--full` trains the course's epoch counts (20, 20, 10) for the accuracy comparison.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import itertools

import keras
import numpy as np
import tensorflow as tf

from bench.epoch_speed import EpochClock, Recorder
from core.data.course_data import load_raw
from core.jobs.contract import TrainingPayload
from core.lab.estimate import forward_flops
from core.lab.model_summary import summarize
from core.lab.presets import IMDB, MNIST_CNN
from core.training.lab_task import run_training
from core.training.startup import configure_tensorflow

WORKLOADS = {  # name: (title, lab config, quick epochs, course epochs)
    "imdb16": ("IMDB 16-16, RMSprop, batch 512", IMDB, 8, 20),
    "imdb512": ("IMDB 512-512, RMSprop, batch 512", replace(IMDB, units=(512, 512)), 3, 20),
    "cnn": ("MNIST CNN 32-64-64, Adam, batch 32", MNIST_CNN, 2, 10),
}


def vectorize_sequences(sequences, dimension=10000):
    """The course's own function, as printed (float64 rows)."""
    results = np.zeros((len(sequences), dimension))
    for i, sequence in enumerate(sequences):
        for j in sequence:
            results[i, j] = 1.0
    return results


def notebook_model(config) -> keras.Model:
    """The notebook's Sequential model, written as the course writes it."""
    layers = keras.layers
    if config.is_cnn:
        return keras.Sequential([
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
            layers.Flatten(), layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ])  # fmt: skip
    units = config.units
    return keras.Sequential(
        [keras.Input((config.vocabulary,))]
        + [layers.Dense(u, activation="relu") for u in units]
        + [layers.Dense(1, activation="sigmoid")]
    )


@functools.lru_cache(maxsize=1)
def notebook_data(dataset: str, vocabulary: int, data_dir: str):
    """(x_train, y_train, x_val, y_val) as the notebook prepares them."""
    x, y, _, _ = load_raw(dataset, vocabulary, data_dir=data_dir)
    if dataset == "imdb":  # section 1: the first 10,000 reviews validate
        x, y = vectorize_sequences(x, vocabulary), np.asarray(y).astype("float32")
        return x[10_000:], y[10_000:], x[:10_000], y[:10_000]
    x = x.reshape(-1, 28, 28, 1).astype("float32") / 255.0  # the CNN notebook: last 10,000
    return x[:50_000], y[:50_000], x[50_000:], y[50_000:]


def notebook(config, epochs: int, data_dir: str) -> tuple[float, float]:
    x_train, y_train, x_val, y_val = notebook_data(config.dataset, config.vocabulary, data_dir)
    keras.utils.set_random_seed(config.seed)
    model = notebook_model(config)
    if config.is_cnn:
        optimizer, loss = "adam", "sparse_categorical_crossentropy"
    else:
        optimizer, loss = "rmsprop", "binary_crossentropy"
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    clock = EpochClock()
    history = model.fit(
        x_train, y_train, epochs=epochs, batch_size=config.batch_size,
        validation_data=(x_val, y_val), callbacks=[clock], verbose=0,
    )  # fmt: skip
    keras.backend.clear_session()
    return median_gap(clock.ends), history.history["val_accuracy"][-1]


def interleaved(config, epochs: int, data_dir: str, repeats: int) -> tuple:
    """Median (s/epoch, final val accuracy) of each way over interleaved repeats."""
    runs: dict[str, list] = {"notebook": [], "lab": []}
    for _ in range(repeats):
        runs["notebook"].append(notebook(config, epochs, data_dir))
        runs["lab"].append(lab(config, epochs, data_dir))
    return tuple(
        (statistics.median(s for s, _ in runs[way]), statistics.median(a for _, a in runs[way]))
        for way in ("notebook", "lab")
    )


def lab(config, epochs: int, data_dir: str) -> tuple[float, float]:
    recorder = Recorder()
    run_training(TrainingPayload(replace(config, epochs=epochs), data_dir), recorder)
    return median_gap(recorder.ends), recorder.history[-1]["val_accuracy"]


def median_gap(ends: list[float]) -> float:
    return statistics.median(b - a for a, b in itertools.pairwise(ends))


def epoch_flops(config, forward: float) -> float:
    """Training (≈ 3 forward passes) on the train part plus one forward pass on validation."""
    n_train, n_val = (15_000, 10_000) if config.dataset == "imdb" else (50_000, 10_000)
    return forward * (3 * n_train + n_val)


def peak_flops() -> float:
    a = tf.random.uniform((3072, 3072))
    tf.linalg.matmul(a, a).numpy()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        tf.linalg.matmul(a, a).numpy()
        times.append(time.perf_counter() - started)
    return 2 * 3072**3 / min(times)


def rate(flops_per_second: float, peak: float) -> str:
    return f"{flops_per_second / 1e9:>5.1f} ({flops_per_second / peak:>3.0%})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("REGLAB_DATA_DIR"), required=False)
    parser.add_argument("--full", action="store_true", help="the course's epoch counts")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if not args.data_dir:
        parser.error("--data-dir (or REGLAB_DATA_DIR): the folder holding the course datasets")
    configure_tensorflow(os.cpu_count() or 1)  # as a worker does (threads, deterministic ops)
    peak = peak_flops()
    print(f"{os.cpu_count()} cores; peak (float32 3072² matmul): {peak / 1e9:.0f} GFLOP/s")
    header = (
        f"{'workload':<36} {'epochs':>6} {'notebook s/ep':>13} {'lab s/ep':>9} {'speedup':>8} "
        f"{'nb val acc':>10} {'lab val acc':>11} {'nb GFLOP/s':>10} {'lab GFLOP/s':>11}"
    )
    print(header)
    ratios = []
    for name in args.workloads.split(","):
        title, config, quick, course = WORKLOADS[name]
        epochs = course if args.full else quick
        (nb_s, nb_acc), (lab_s, lab_acc) = interleaved(config, epochs, args.data_dir, args.repeats)
        notebook_work = epoch_flops(config, summarize(config).flops_per_sample)
        lab_work = epoch_flops(config, forward_flops(config))  # a sparse layer: words only
        nb_rate, lab_rate = notebook_work / nb_s, lab_work / lab_s
        ratios.append(nb_s / lab_s)
        print(
            f"{title:<36} {epochs:>6} {nb_s:>13.3f} {lab_s:>9.3f} {nb_s / lab_s:>7.1f}× "
            f"{nb_acc:>10.4f} {lab_acc:>11.4f} "
            f"{rate(nb_rate, peak)} {rate(lab_rate, peak)}",
            flush=True,
        )
    geomean = math.exp(statistics.fmean(math.log(r) for r in ratios))
    print(f"course speedup (geometric mean): {geomean:.2f}")


if __name__ == "__main__":
    main()
