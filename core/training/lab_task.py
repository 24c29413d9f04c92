"""The Training Lab's job: train a TrainingConfig in a worker and stream per-epoch metrics."""

from __future__ import annotations

import math
import os
import time

import keras
import numpy as np

from core.data.loading import load_splits
from core.data.walkthrough import review_openings
from core.jobs.contract import TestScores, TrainingPayload, TrainingResult
from core.jobs.reporter import Reporter, StopRequested
from core.lab.config import TrainingConfig, tensorboard_root
from core.training.callbacks import LiveReport, take_turns
from core.training.download import keras_download
from core.training.evaluation import test_report, weight_stats
from core.training.fit import fit_model


def _same(weights: list, others: list | None) -> bool:
    if others is None:
        return False
    return all(np.array_equal(a, b) for a, b in zip(weights, others, strict=True))


def _tensorboard(config: TrainingConfig, reporter: Reporter) -> tuple[str, tuple]:
    """Keras' own TensorBoard callback, as the IMDB notebook attaches it: one folder per run."""
    if not config.tensorboard:
        return "", ()
    folder = os.path.join(tensorboard_root(), f"job-{reporter.job_number}-{int(time.time())}")
    return folder, (keras.callbacks.TensorBoard(log_dir=folder),)


def run_training(payload: TrainingPayload, reporter: Reporter) -> dict:
    """Train the payload's config and return test scores (last epoch and best checkpoint), as
    a TrainingResult's wire dict."""
    config = payload.config
    splits = load_splits(config, download=keras_download, data_dir=payload.data_dir)
    logs, board = _tensorboard(config, reporter)
    try:
        model, live = fit_model(config, splits, reporter, extra_callbacks=board)
    except StopRequested as stop:
        trained = getattr(stop, "trained", None)
        if trained is None:
            raise  # stopped while the data loaded: nothing trained to score
        model, live = trained
        if live.last_weights is None:  # stopped inside the first epoch: score what it learned
            live.last_weights = model.get_weights()
        result = _with_reviews(_results(config, splits, model, live, logs), payload)
        raise StopRequested(str(stop), result=result) from None
    return _with_reviews(_results(config, splits, model, live, logs), payload)


def _with_reviews(result: dict, payload: TrainingPayload) -> dict:
    """IMDB runs: each misclassified test review's first words travel with the result (the
    digits and MNIST runs carry their images)."""
    config = payload.config
    if config.info.kind != "text":
        return result
    scores = [result[k] for k in ("test_last", "test_best", "test_restored") if result.get(k)]
    wanted = sorted({w["index"] for part in scores for w in part["misclassified"]})
    openings = review_openings(wanted, config.vocabulary, payload.data_dir)
    for part in scores:
        for wrong in part["misclassified"]:
            if wrong["index"] in openings:
                wrong["text"] = openings[wrong["index"]]
    return result


def _results(
    config: TrainingConfig, splits, model: keras.Model, live: LiveReport, logs: str = ""
) -> dict:
    """Test scores of the last and best weights, weight statistics and what the run did."""
    final_weights = model.get_weights()
    evaluator = live.evaluator

    def between() -> None:  # a test set is several chunks: the worker's other jobs go between
        take_turns(live.reporter, model)

    n_classes = config.info.n_classes
    model.set_weights(live.last_weights)
    last = _scores(evaluator, splits, n_classes, between)
    best = last
    if live.best_weights is not None:
        model.set_weights(live.best_weights)
        best = _scores(evaluator, splits, n_classes, between)
    model.set_weights(final_weights)
    epochs_run = live.epoch + 1
    restored = config.early_stopping and config.es_restore_best and not live.stopped
    final = "best" if restored else "last"
    restored_scores = None
    if restored and not _same(final_weights, live.best_weights):
        # EarlyStopping keeps its own best: by val_loss with the penalty, and min_delta
        final, restored_scores = "restored", _scores(evaluator, splits, n_classes, between)
    return TrainingResult(
        test_last=last,
        test_best=best,
        final=final,
        best_epoch=live.best_epoch,
        epochs_run=epochs_run,
        early_stopped=epochs_run < config.epochs and not live.stopped,
        stopped_by_learner=bool(live.stopped),
        restored_best=restored,
        weights=weight_stats(model),
        weight_history=live.weight_history.records(),
        params=model.count_params(),
        sizes=splits.sizes(),
        test_restored=restored_scores,
        tensorboard_dir=logs or None,
        best_val_loss=live.best_loss if math.isfinite(live.best_loss) else None,  # none if
        # stopped inside the first epoch
    ).to_dict()


def _scores(evaluator, splits, n_classes: int, between=None) -> TestScores:
    return TestScores(**test_report(evaluator, splits, n_classes, between))
