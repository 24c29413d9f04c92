"""One-click lecture experiments: each preset is a few TrainingConfigs, at course or quick size."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.config import TrainingConfig

IMDB = TrainingConfig(
    dataset="imdb", vocabulary=10_000, units=(16, 16), optimizer="rmsprop", learning_rate=1e-3,
    batch_size=512, epochs=20, val_fraction=0.4, holdout="first",
)  # fmt: skip
IMDB_QUICK = {"vocabulary": 2000, "train_subset": 3000, "epochs": 12}
MNIST_CNN = TrainingConfig(
    dataset="mnist", architecture="cnn", conv_filters=(32, 64), units=(64,), optimizer="adam",
    learning_rate=1e-3, batch_size=32, epochs=10, val_fraction=1 / 6, holdout="last",
)  # fmt: skip
FASHION_MLP = TrainingConfig(
    dataset="fashion_mnist", units=(128, 64), optimizer="adam", learning_rate=1e-3,
    batch_size=32, epochs=20, val_fraction=0.2, holdout="random",
)  # fmt: skip
DIGITS = TrainingConfig(units=(256, 256), epochs=60, train_subset=300)


@dataclass(frozen=True)
class Preset:
    """Runs to queue together, what to look at, and how to shrink them to about a minute."""

    key: str
    title: str
    notice: str
    runs: tuple[tuple[str, TrainingConfig], ...]
    quick: dict

    def configs(self, quick: bool) -> list[tuple[str, TrainingConfig]]:
        return [(label, replace(c, **self.quick) if quick else c) for label, c in self.runs]


PRESETS = {
    p.key: p
    for p in (
        Preset("digits_regularization", "Digits (offline): none vs L2 vs dropout",
               "With only 300 training digits a wide network overfits; L2 and dropout help.",
               (("none", DIGITS), ("L2 0.001", replace(DIGITS, l2=(0.001,))),
                ("dropout 0.5", replace(DIGITS, dropout=(0.5,)))), {"epochs": 30}),
        Preset("imdb_capacity", "IMDB: smaller vs original vs larger network",
               "The 512-512 network overfits after 1–2 epochs; 4-4 overfits later and slower "
               "than the original 16-16.",
               (("4-4", replace(IMDB, units=(4, 4))), ("16-16", IMDB),
                ("512-512", replace(IMDB, units=(512, 512)))), IMDB_QUICK),
        Preset("imdb_regularization", "IMDB 16-16: none vs L2(0.002) vs dropout 0.5",
               "Both regularized models keep their validation loss low for longer.",
               (("original", IMDB), ("L2 0.002", replace(IMDB, l2=(0.002,))),
                ("dropout 0.5", replace(IMDB, dropout=(0.5,)))), IMDB_QUICK),
        Preset("mnist_cnn", "MNIST CNN: plain vs dropout vs batch normalization",
               "All reach about 99 % test accuracy (course: 99.18 % plain); BN smooths the "
               "curves, dropout is not needed here.",
               (("plain", MNIST_CNN),
                ("dropout", replace(MNIST_CNN, conv_dropout=0.25, dropout=(0.5,))),
                ("batch norm", replace(MNIST_CNN, conv_batchnorm=True, batchnorm=(True,),
                                       batchnorm_position="after"))),
               {"train_subset": 6000, "epochs": 3}),
        Preset("fashion_mlp", "Fashion-MNIST MLP 784-128-64-10: dropout 0.3 and batch norm",
               "Dropout 0.3 narrows the train/validation gap; batch norm speeds early epochs.",
               (("plain", FASHION_MLP), ("dropout 0.3", replace(FASHION_MLP, dropout=(0.3,))),
                ("dropout 0.3 + BN", replace(FASHION_MLP, dropout=(0.3,), batchnorm=(True,)))),
               {"train_subset": 10_000, "epochs": 5}),
        Preset("early_stopping", "Early stopping (patience 5, restore best) vs none",
               "Without early stopping the last epoch is past the best one; compare the test "
               "score of the last epoch with the best checkpoint.",
               (("no early stopping", IMDB),
                ("early stopping", replace(IMDB, early_stopping=True, es_patience=5,
                                           es_restore_best=True))), IMDB_QUICK),
    )
}  # fmt: skip
