"""Lab runs queued from the concept pages: the dropout rates the seeds disagree on, BN vs lr."""

from __future__ import annotations

from dataclasses import replace

from core.lab.config import TrainingConfig

DROPOUT_BASE = TrainingConfig(units=(256, 256), epochs=40, train_subset=300)
DROPOUT_RUNS = (
    ("no dropout", DROPOUT_BASE),
    ("dropout 0.3 (handwritten notes' cap)", replace(DROPOUT_BASE, dropout=(0.3,))),
    ("dropout 0.5 (IMDB/MNIST notebooks)", replace(DROPOUT_BASE, dropout=(0.5,))),
)

BN_BASE = TrainingConfig(units=(128, 128, 128), epochs=20, optimizer="adam")
LEARNING_RATES = (1e-3, 1e-2, 1e-1)
BN_RUNS = tuple(
    (f"lr {lr:g}{' + BN' if bn else ''}", replace(BN_BASE, learning_rate=lr, batchnorm=(bn,)))
    for lr in LEARNING_RATES
    for bn in (False, True)
)
