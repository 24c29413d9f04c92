"""The search job: an Optuna study whose trials train one at a time, pruned on validation loss."""

from __future__ import annotations

import math

import keras
import optuna

from core.data.loading import load_splits
from core.jobs.contract import SearchPayload, SearchResult
from core.jobs.reporter import Diverged, Reporter, StopRequested, TaggedReporter
from core.lab.checks import problems
from core.lab.search import (
    SearchSpace,
    best_record,
    grid_size,
    make_study,
    suggest_config,
    tell,
    trial_record,
)
from core.training.download import keras_download
from core.training.fit import fit_model

optuna.logging.set_verbosity(optuna.logging.WARNING)


class PruneOnValidationLoss(keras.callbacks.Callback):
    """Reports each epoch's validation loss (data part) to the trial; stops when Optuna prunes.

    It runs after LiveReport, which has just added the epoch's record to `part.records`.
    """

    def __init__(self, trial: optuna.Trial, part: TaggedReporter, metric: str) -> None:
        super().__init__()
        self.trial, self.part, self.metric, self.pruned_at = trial, part, metric, 0

    def on_epoch_end(self, epoch, logs=None):
        value = self.part.records[-1][self.metric] if self.part.records else math.nan
        if math.isfinite(value):
            self.trial.report(value, epoch + 1)
        if self.trial.should_prune():
            self.pruned_at = epoch + 1
            self.model.stop_training = True


def _run_trial(
    study: optuna.Study, space: SearchSpace, payload: SearchPayload, reporter: Reporter
) -> None:
    trial = study.ask()
    config = suggest_config(trial, space)
    found = problems(config)
    if found:
        trial.set_user_attr("note", found[0])
        tell(study, trial, state=optuna.trial.TrialState.FAIL)
        return
    splits = load_splits(config, download=keras_download, data_dir=payload.data_dir)
    part = TaggedReporter(
        reporter,
        {"trial": trial.number},
        {"unit": "trial", "model": trial.number + 1, "models": space.trials},
        stoppable=False,  # Stop ends the study after this trial, not in the middle of it
    )
    metric = "val_data_loss" if space.direction == "minimize" else "val_accuracy"
    pruner = PruneOnValidationLoss(trial, part, metric)
    try:
        fit_model(config, splits, part, boundary=False, extra_callbacks=(pruner,))
    except Diverged as diverged:
        trial.set_user_attr("note", str(diverged))
        tell(study, trial, state=optuna.trial.TrialState.FAIL)
        return
    pick = min if space.direction == "minimize" else max
    best = pick(part.records, key=lambda r: r[metric])
    trial.set_user_attr("epochs_run", len(part.records))
    trial.set_user_attr("val_accuracy", round(best["val_accuracy"], 4))
    trial.set_user_attr("best_epoch", best["epoch"])
    if pruner.pruned_at:
        trial.set_user_attr("note", f"pruned after epoch {pruner.pruned_at}")
        tell(study, trial, state=optuna.trial.TrialState.PRUNED)
    else:
        tell(study, trial, best[metric])  # the best epoch's, as a best checkpoint keeps


def run_search(payload: SearchPayload, reporter: Reporter) -> dict:
    """Run the payload's study, trials first from its `enqueue`; a SearchResult's wire dict."""
    space = payload.space
    study = make_study(space)
    for params in payload.enqueue:
        study.enqueue_trial(params, skip_if_exists=True)
    stopped = ""
    total = min(space.trials, grid_size(space)) if space.sampler == "grid" else space.trials
    for _ in range(total):
        if reporter.should_stop():
            stopped = "Stopped by the learner after the current trial."
            break
        _run_trial(study, space, payload, reporter)
        records = [trial_record(t, space.direction) for t in study.trials]
        reporter.send("live", {"trials": records})
    records = [trial_record(t, space.direction) for t in study.trials]
    result = SearchResult(records, best_record(records)).to_dict()
    if stopped:
        raise StopRequested(stopped, result)
    return result
