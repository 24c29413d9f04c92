"""fit_model: build (or reuse) a config's model and train it with the live callbacks."""

from __future__ import annotations

import statistics

import keras

from core.jobs.reporter import Diverged, Reporter, StopRequested
from core.lab.config import TrainingConfig
from core.lab.model_summary import sparse_input
from core.training.callbacks import LiveReport, TakeTurns
from core.training.model_cache import MODELS
from core.training.pipeline import EpochNumber, train_dataset
from core.training.speed import SPEED, execution_plan, step_flops


def fit_model(
    config: TrainingConfig,
    splits,
    reporter: Reporter,
    *,
    epochs: int | None = None,
    seed: int | None = None,
    boundary: bool = True,
    extra_callbacks: tuple[keras.callbacks.Callback, ...] = (),
) -> tuple[keras.Model, LiveReport]:
    """Build and train config's model on splits; raise Diverged or StopRequested if so ended."""
    epochs = epochs or config.epochs
    if reporter.should_stop():  # stopped while its data loaded: no model to build
        raise StopRequested("Stopped by the learner.")
    sparse = sparse_input(config)
    kind, work = ("conv" if config.is_cnn else "dense"), step_flops(config)
    per_call, steps = execution_plan(
        len(splits.y_train), config.batch_size, SPEED.step_seconds(kind, work)
    )
    reporter.take_turn()  # a worker running jobs in turns: this job's turn to build and train
    job = reporter.job_number
    model = MODELS.model_for(
        config, config.seed if seed is None else seed, sparse, per_call, job, reporter
    )
    reporter.on_end(lambda: MODELS.release(job))
    live = LiveReport(reporter, config, splits, steps, epochs=epochs, boundary=boundary)
    whole_epochs = per_call == steps  # one call an epoch: one stream, read ahead
    data, epoch_number = train_dataset(
        splits.x_train, splits.y_train, config.batch_size, config.seed, sparse, whole_epochs
    )
    callbacks: list[keras.callbacks.Callback] = [EpochNumber(epoch_number), live, *extra_callbacks]
    if config.early_stopping:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=config.es_monitor,
                mode="min" if config.es_monitor == "val_loss" else "max",
                patience=config.es_patience,
                restore_best_weights=config.es_restore_best,
                min_delta=config.es_min_delta,
            )
        )
    callbacks.append(TakeTurns(reporter, steps))  # last: every other callback has had its say
    reporter.send("progress", {"epoch": 0, "epochs": epochs, "batch": 0, "steps": steps})
    model.fit(
        data,
        epochs=epochs,
        steps_per_epoch=steps if whole_epochs else None,
        callbacks=callbacks,
        verbose=0,
        shuffle=False,
    )
    if live.call_seconds:  # how fast this worker really ran: the next plan is sized by it
        SPEED.learn(kind, work, statistics.median(live.call_seconds) / per_call)
    if live.diverged:
        raise Diverged(live.diverged)
    if live.stopped:
        stop = StopRequested(live.stopped)
        stop.trained = (model, live)  # for run_training to evaluate; never sent to the server
        raise stop
    return model, live
