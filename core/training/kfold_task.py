"""The K-fold job: train one model per fold (live), average them, retrain on all, test once."""

from __future__ import annotations

from dataclasses import replace

from core.data.datasets import Splits
from core.data.loading import training_pool
from core.jobs.contract import FoldScore, KFoldPayload, KFoldResult
from core.jobs.reporter import Reporter, TaggedReporter
from core.lab.kfold import KFoldSettings, fold_average, fold_indices
from core.training.download import keras_download
from core.training.fit import fit_model


def run_kfold(payload: KFoldPayload, reporter: Reporter) -> dict:
    """One model per fold, their average, the retrain and its test score (a KFoldResult)."""
    config = replace(payload.config, early_stopping=False)  # every fold trains every epoch
    settings: KFoldSettings = payload.kfold
    x, y, x_test, y_test = training_pool(config, download=keras_download, data_dir=payload.data_dir)
    available = len(y)
    x, y = x[: settings.size], y[: settings.size]  # the course keeps the first N examples
    if len(y) < 2 * settings.k:
        raise ValueError(
            f"Only {len(y)} training examples are available, too few for {settings.k} folds "
            "(each needs at least 2). Use more samples or fewer folds."
        )
    folds = fold_indices(len(y), settings.k, settings.repeats, config.seed)
    models = len(folds) + 1
    history: list[dict] = []
    for number, fold in enumerate(folds):
        stage = f"fold {fold.index + 1}/{settings.k}"
        if settings.repeats > 1:
            stage += f" · repetition {fold.repeat + 1}/{settings.repeats}"
        part = TaggedReporter(
            reporter,
            {"part": "fold", "fold": fold.index, "repeat": fold.repeat},
            {"stage": stage, "model": number + 1, "models": models},
        )
        splits = Splits(x[fold.train], y[fold.train], x[fold.val], y[fold.val], x[:0], y[:0])
        fit_model(config, splits, part, seed=config.seed + number, boundary=False)
        history.extend(part.records)

    average = fold_average(history, config.epochs)
    epochs = average.retrain_epochs or config.epochs
    part = TaggedReporter(
        reporter,
        {"part": "final"},
        {"stage": f"final model on all {len(y):,} examples", "model": models, "models": models},
    )
    everything = Splits(x, y, x[:0], y[:0], x_test, y_test)
    _, live = fit_model(config, everything, part, epochs=epochs, seed=config.seed + len(folds))
    test = live.evaluator.evaluate(x_test, y_test)
    best = average.best_index
    at_best = {}
    if best is not None:
        at_best = {
            metric: FoldScore(float(average.mean[metric][best]), float(average.std[metric][best]))
            for metric in average.mean
        }
    return KFoldResult(
        best_index=best,
        retrain_epochs=epochs,
        test=test,
        folds_at_best=at_best,
        models_trained=models,
        sizes={
            "reduced": len(y),
            "available": available,
            "validation per fold": len(folds[0].val),
            "test": len(y_test),
        },
    ).to_dict()
