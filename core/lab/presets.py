"""One-click lecture experiments: each preset is a few TrainingConfigs, at course or quick size."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, replace
from pathlib import Path

from core.lab.config import TrainingConfig
from core.lab.estimate import estimate_seconds
from core.lab.url_state import spec

IMDB = TrainingConfig(
    dataset="imdb", vocabulary=10_000, units=(16, 16), optimizer="rmsprop", learning_rate=1e-3,
    batch_size=512, epochs=20, val_fraction=0.4, holdout="first",
)  # fmt: skip
IMDB_QUICK = {"vocabulary": 2000, "train_subset": 3000, "epochs": 12, "batch_size": 128}
# (batch 128 at quick size: 24 steps an epoch, near the course's 30, so curves turn as early)
# The notebook's get_neural_network() fits with validation_split=0.4: Keras holds out the LAST
# 40 % (10,000 reviews) of the training set, not the first as its section 1 does.
IMDB_SPLIT = replace(IMDB, holdout="last")
# Its dropout line reads `if dropout and i == 0: model.add(Dropout(0.5))`; read inside the
# layer loop (the OCR lost the indentation), it adds one Dropout(0.5) after the first hidden
# layer. (Read outside the loop, i is the last index there and no Dropout is added at all.)
IMDB_DROPOUT = (0.5, 0.0)
MNIST_CNN = TrainingConfig(
    dataset="mnist", architecture="cnn", conv_filters=(32, 64), units=(64,), optimizer="adam",
    learning_rate=1e-3, batch_size=32, epochs=10, val_fraction=1 / 6, holdout="last",
)  # fmt: skip
FASHION_MLP = TrainingConfig(
    dataset="fashion_mnist", units=(128, 64), optimizer="adam", learning_rate=1e-3,
    batch_size=32, epochs=20, val_fraction=0.2, holdout="random",
)  # fmt: skip
DIGITS = TrainingConfig(units=(256, 256), epochs=150, train_subset=300)
HANDWRITTEN_MLP = TrainingConfig(  # the handwritten notes: 784-512-Dropout0.2-512-Dropout0.2-10
    dataset="mnist", units=(512, 512), dropout=(0.2,), optimizer="adam", batch_size=32,
    epochs=10, val_fraction=1 / 6, holdout="last",
)  # fmt: skip
MNIST_MLP = TrainingConfig(
    dataset="mnist", units=(128, 64), optimizer="adam", learning_rate=1e-3, batch_size=32,
    epochs=10, val_fraction=1 / 6, holdout="last",
)  # fmt: skip
MNIST_QUICK = {"train_subset": 6000, "epochs": 3}
RANDOM_DATA = TrainingConfig(  # the handwritten notes: Dense(64, relu), Dense(64, ...), Adam,
    dataset="random", n_samples=1000, units=(64,), optimizer="adam", batch_size=32,  # 100 ep
    epochs=100, val_fraction=0.2, test_fraction=0.05, early_stopping=True, es_patience=5,
    es_restore_best=True,
)  # fmt: skip
FASHION_QUICK = {"train_subset": 10_000, "epochs": 5}


@dataclass(frozen=True)
class Preset:
    """Runs to queue together, what to look at, and how to shrink them to about a minute."""

    key: str
    title: str
    notice: str
    runs: tuple[tuple[str, TrainingConfig], ...]
    quick: dict
    course: tuple[str, ...] = ()  # the course's printed logs to draw beside (course_logs.csv)
    source: str = ""  # where in the notes the experiment comes from

    def configs(self, quick: bool) -> list[tuple[str, TrainingConfig]]:
        return [(label, replace(c, **self.quick) if quick else c) for label, c in self.runs]


PRESETS = {
    p.key: p
    for p in (
        Preset("digits_regularization", "Digits (offline): none vs L2 vs dropout",
               "With only 300 training digits a 256-256 network overfits early: its "
               "validation loss bottoms out around epoch 30–40, then creeps back up while the "
               "training loss keeps falling (the dashed line). Dropout 0.5 moves the lowest "
               "point to about epoch 80–95 and L2 (0.01) to about 105–115, L2 at a higher data "
               "loss (the penalty trades fit for small weights) and a lower test accuracy "
               "(quick runs, 3 seeds: 94.5 % none, 94.5 % dropout, 92.3 % L2). How low each "
               "gets differs within seed noise: the seed check below says so.",
               (("none", DIGITS), ("L2 0.01", replace(DIGITS, l2=(0.01,))),
                ("dropout 0.5", replace(DIGITS, dropout=(0.5,)))), {"epochs": 120}),
        Preset("imdb_capacity", "IMDB: smaller vs original vs larger network",
               "The bigger the network, the sooner it overfits: the quick run's lowest validation "
               "loss comes at epoch 3 (512-512), 5 (16-16) and 11 (4-4). "
               "Course: 512-512 at epoch 2 (0.2744), 4-4 at epoch 17 (0.4312).",
               (("4-4", replace(IMDB_SPLIT, units=(4, 4))), ("16-16", IMDB_SPLIT),
                ("512-512", replace(IMDB_SPLIT, units=(512, 512)))), IMDB_QUICK,
               ("imdb_4_4", "imdb_16_16", "imdb_512_512"),
               "IMDB notebook, §3: get_neural_network(), validation_split=0.4"),
        Preset("imdb_regularization", "IMDB 16-16: none vs L2(0.002) vs dropout 0.5",
               "At course size L2 keeps the validation loss low for longer (0.33 at epoch 20 "
               "against 0.57 without). One Dropout(0.5) after the first hidden layer, as the "
               "notebook adds it, reaches a lower minimum a little later (quick run: 0.353 "
               "at epoch 8 vs 0.377 at 5), then climbs too; in the quick run L2 also moves "
               "the minimum later (0.369 at epoch 8).",
               (("original", IMDB_SPLIT), ("L2 0.002", replace(IMDB_SPLIT, l2=(0.002,))),
                ("dropout 0.5", replace(IMDB_SPLIT, dropout=IMDB_DROPOUT))), IMDB_QUICK,
               ("imdb_16_16",), "IMDB notebook, §3: regularization=True / dropout=True"),
        Preset("imdb_large_dropout", "IMDB 512-512: dropout matters more for larger models",
               "The notebook's single Dropout(0.5) after the first layer barely moves the large "
               "network's curve (quick run: lowest 0.350 at epoch 3 vs 0.352 at 4): for 512 "
               "units one dropout layer is weak. Try dropout on both layers in the Lab.",
               (("512-512", replace(IMDB_SPLIT, units=(512, 512))),
                ("512-512 + dropout 0.5",
                 replace(IMDB_SPLIT, units=(512, 512), dropout=IMDB_DROPOUT))), IMDB_QUICK,
               ("imdb_512_512",), "IMDB notebook, §3, and the dropout notes"),
        Preset("mnist_cnn", "MNIST CNN: plain vs dropout vs batch normalization",
               "At course size the notebook reports 99.18 % test accuracy plain and 99.10 % "
               "with batch norm: BN smooths the curves, dropout is not needed here. The quick "
               "runs (6,000 images, 3 epochs) land lower: compare the shapes, not the level.",
               (("plain", MNIST_CNN),
                ("dropout", replace(MNIST_CNN, conv_dropout=0.25, dropout=(0.5,))),
                ("batch norm", replace(MNIST_CNN, conv_batchnorm=True, batchnorm=(True,),
                                       batchnorm_position="after"))),
               MNIST_QUICK, ("mnist_cnn_plain", "mnist_cnn_dropout", "mnist_cnn_bn"),
               "MNIST CNN notebook"),
        Preset("mnist_mlp_vs_cnn", "MNIST: MLP 128-64 vs CNN",
               "The CNN shares its filters across the image and reaches half the MLP's "
               "validation loss (quick run: 0.12 vs 0.25) with about as many parameters "
               "(122k vs 109k).",
               (("MLP 128-64", MNIST_MLP), ("CNN", MNIST_CNN)), MNIST_QUICK,
               ("mnist_cnn_plain",), "MNIST CNN notebook"),
        Preset("handwritten_mlp", "MNIST MLP 784-512-512-10: dropout 0.2, L1 or L2 (0.01)",
               "The handwritten notes' network. L1(0.01) on 512-wide layers is so strong that "
               "the model learns nothing (10 %, chance); L2(0.01) costs ~5 points. In 3 quick "
               "epochs dropout 0.2 and none are within a point: run the course size.",
               (("dropout 0.2", HANDWRITTEN_MLP),
                ("no dropout", replace(HANDWRITTEN_MLP, dropout=(0.0,))),
                ("L1 0.01", replace(HANDWRITTEN_MLP, dropout=(0.0,), l1=(0.01,))),
                ("L2 0.01", replace(HANDWRITTEN_MLP, dropout=(0.0,), l2=(0.01,)))),
               MNIST_QUICK, (), "handwritten notes: dropout and L1/L2 code"),
        Preset("fashion_mlp", "Fashion-MNIST MLP 784-128-64-10: dropout 0.3 and batch norm",
               "In 5 quick epochs the plain model is not overfitting yet, so dropout and batch "
               "norm change little (validation accuracy 84.5 / 83.8 / 84.0 %); at course size "
               "(20 epochs) watch the plain model's train/validation gap open.",
               (("plain", FASHION_MLP), ("dropout 0.3", replace(FASHION_MLP, dropout=(0.3,))),
                ("dropout 0.3 + BN", replace(FASHION_MLP, dropout=(0.3,), batchnorm=(True,)))),
               FASHION_QUICK, (), "PyTorch notes' network"),
        Preset("fashion_depth", "Fashion-MNIST: 1, 2, 4 and 8 hidden layers",
               "More layers do not help here: 2 layers reach the lowest validation loss "
               "(quick run: 0.41), 8 layers the highest (0.44) and train slower.",
               tuple((f"{n} × 128", replace(FASHION_MLP, units=(128,) * n)) for n in (1, 2, 4, 8)),
               FASHION_QUICK, (), "project notes: depth"),
        Preset("fashion_l1_l2", "Fashion-MNIST: none vs L1(0.1) vs L2(0.01)",
               "The project notes' Keras lines. L1(0.1) is so strong that the model learns "
               "nothing (10 %, chance; the Weights tab shows the weights at zero); L2(0.01) "
               "costs a few points (quick run: 79.2 vs 84.5 % validation accuracy).",
               (("none", FASHION_MLP), ("L1 0.1", replace(FASHION_MLP, l1=(0.1,))),
                ("L2 0.01", replace(FASHION_MLP, l2=(0.01,)))), FASHION_QUICK, (),
               "project notes: kernel_regularizer=l1(0.1) / l2(0.01)"),
        Preset("early_stopping_random", "Early stopping on random data vs on IMDB",
               "On random labels there is nothing to learn: the validation loss hovers at "
               "ln 2 ≈ 0.69 and accuracy near 50 %; early stopping ends the run once 5 epochs "
               "bring no new low. On IMDB it stops 5 epochs after the real best.",
               (("random data (notes' demo)", RANDOM_DATA),
                ("IMDB 16-16", replace(IMDB, early_stopping=True, es_patience=5,
                                       es_restore_best=True, epochs=100))),
               {**IMDB_QUICK, "epochs": 40, "n_samples": 1000},
               (), "handwritten notes: EarlyStopping(patience=5, restore_best_weights=True)"),
        Preset("early_stopping", "Early stopping (patience 5, restore best) vs none",
               "Without early stopping the last epoch is past the best one; compare the test "
               "score of the last epoch with the best checkpoint.",
               (("no early stopping", IMDB),
                ("early stopping", replace(IMDB, early_stopping=True, es_patience=5,
                                           es_restore_best=True))), IMDB_QUICK,
               ("imdb_16_16",), "IMDB notebook §1 and the handwritten notes' EarlyStopping"),
    )
}  # fmt: skip


# Click → last run's end at quick size, on the default pool of 2 workers on a 2-core server:
# measured by `python bench/check_presets.py` (docs/PERFORMANCE.md); refresh after changes.
QUICK_SECONDS = {
    "digits_regularization": 13, "imdb_capacity": 26, "imdb_regularization": 19,
    "imdb_large_dropout": 33, "mnist_cnn": 75, "mnist_mlp_vs_cnn": 23, "handwritten_mlp": 28,
    "fashion_mlp": 22, "fashion_depth": 34, "fashion_l1_l2": 25, "early_stopping_random": 7,
    "early_stopping": 17,
}  # fmt: skip


def duration_text(preset: Preset, quick: bool, workers: int = 2) -> str:
    """How long the preset's runs take together: measured at quick size, else estimated from
    the models' arithmetic (core.lab.estimate), runs sharing `workers` workers."""
    if quick and preset.key in QUICK_SECONDS:
        seconds = QUICK_SECONDS[preset.key]
        return f"Quick size: {span(seconds)} on a 2-core server, measured (all runs together)."
    each = sorted((estimate_seconds(c) for _, c in preset.configs(quick)), reverse=True)
    seconds = max(each[0], sum(each) / workers) if each else 0.0
    size = "Quick size" if quick else "Course size"
    return f"{size}: {span(seconds)} on a 2-core server, estimated (all runs together)."


def span(seconds: float) -> str:
    if seconds < 90:
        return f"about {max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"about {seconds / 60:.0f} minutes"
    return f"about {seconds / 3600:.1f} hours"


SEED_BUDGET_SECONDS = 90  # quick presets get 3 seeds by default when 3 × their time fits
CHECKS = Path(__file__).resolve().parents[2] / "assets" / "preset_checks.json"


def default_seeds(key: str, quick: bool) -> int:
    """3 seeds for a quick preset whose 3-seed run was measured within the budget (else
    estimated as 3 × its one-seed time), 1 otherwise."""
    if not quick:
        return 1
    measured = _checks().get(key, {}).get("seconds")
    three = measured if measured else QUICK_SECONDS.get(key, SEED_BUDGET_SECONDS) * 3
    return 3 if three <= SEED_BUDGET_SECONDS else 1


@functools.cache
def _checks() -> dict:
    try:
        return json.loads(CHECKS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def seed_check(key: str) -> list[str]:
    """The 3-seed verdicts measured for a preset (bench/check_presets.py --seeds 3)."""
    return list(_checks().get(key, {}).get("verdicts", []))


def seeds_text(key: str, seeds: int, quick: bool) -> str:
    """How long the preset takes with `seeds` seeds: measured for 3 at quick size, else scaled."""
    measured = _checks().get(key, {}).get("seconds")
    if quick and seeds == 3 and measured:
        return f" With 3 seeds: {span(measured)}, measured."
    return f" With {seeds} seeds: about {seeds}× as long." if seeds > 1 else ""


SIZES = {"quick": "quick", "course": "course size"}
METRICS = {"val_data_loss": "loss", "val_accuracy": "accuracy"}


@dataclass(frozen=True)
class ExperimentView:
    """Which lecture experiment the page shows, at which size, by which metric: its URL."""

    preset: str = spec(next(iter(PRESETS)), "preset", "Experiment", choices=tuple(PRESETS))
    size: str = spec("quick", "size", "Size", choices=tuple(SIZES))
    metric: str = spec("val_data_loss", "metric", "Metric", choices=tuple(METRICS))
