"""Keras callbacks of a live run: metrics to the server, Stop, NaN, best and weight history."""

from __future__ import annotations

import math
import time

import keras
import numpy as np

from core.jobs.reporter import Reporter
from core.lab.config import TrainingConfig
from core.training.evaluation import Evaluator
from core.training.model_cache import MODELS

GRID = 60  # decision-boundary resolution for 2-D sets
HISTOGRAM_BINS = 41  # per-layer weight histograms over epochs; the middle bin holds zero


def _grid(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    low, high = x.min(axis=0) - 0.5, x.max(axis=0) + 0.5
    xs, ys = np.linspace(low[0], high[0], GRID), np.linspace(low[1], high[1], GRID)
    mesh = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2).astype("float32")
    return xs, ys, mesh


class WeightHistory:
    """Each Dense/Conv2D kernel's histogram after every epoch, on bins fixed before training.

    The bins span ±2× the layer's largest initial weight; weights beyond fall in the end bins.
    """

    def __init__(self, model: keras.Model) -> None:
        self.layers = [
            layer
            for layer in model.layers
            if isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D))
        ]
        self.edges = {}
        for layer in self.layers:
            limit = 2 * max(float(np.abs(layer.get_weights()[0]).max()), 1e-3)
            self.edges[layer.name] = np.linspace(-limit, limit, HISTOGRAM_BINS + 1)
        self.counts: dict[str, list[list[int]]] = {layer.name: [] for layer in self.layers}

    def record(self) -> None:
        for layer in self.layers:
            edges = self.edges[layer.name]
            kernel = np.clip(layer.get_weights()[0].ravel(), edges[0], edges[-1])
            self.counts[layer.name].append(np.histogram(kernel, edges)[0].tolist())

    def records(self) -> list[dict]:
        """Per layer: bin edges and one row of counts per epoch (row 0: before training)."""
        return [
            {"layer": name, "edges": self.edges[name].tolist(), "counts": self.counts[name]}
            for name in self.counts
        ]


class LiveReport(keras.callbacks.Callback):
    """Validation in one call, per-epoch metrics to the server, Stop and NaN checks, best weights.

    It runs first among the callbacks, so EarlyStopping sees the val_* values it writes.
    """

    def __init__(
        self,
        reporter: Reporter,
        config: TrainingConfig,
        splits,
        steps: int,
        *,
        epochs: int,
        boundary: bool = True,
    ) -> None:
        super().__init__()
        self.reporter, self.config, self.splits, self.steps = reporter, config, splits, steps
        self.epochs = epochs
        self.best_loss, self.best_epoch, self.best_weights = math.inf, 0, None
        self.last_weights = None
        self.stopped = self.diverged = ""
        self.epoch_started = time.monotonic()
        self.call_started: float | None = None
        self.call_seconds: list[float] = []  # full calls after the first (which traces)
        self.calls = 0
        points = boundary and config.info.kind == "points"
        self.grid = _grid(splits.x_train) if points else None
        self.last_boundary = 0.0
        if self.grid is not None:  # the server draws the boundary over these, holding no data
            shown = slice(0, 3000)
            reporter.send(
                "live",
                {
                    "points": {
                        "x": np.round(splits.x_train[shown], 4).tolist(),
                        "y": splits.y_train[shown].tolist(),
                    }
                },
            )

    def set_model(self, model) -> None:
        super().set_model(model)
        self.evaluator = Evaluator.of(model, self.config.info.is_binary)
        self.weight_history = WeightHistory(model)

    def on_train_begin(self, logs=None):
        self.weight_history.record()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_started = time.monotonic()
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        self.call_started = time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        self.calls += 1
        if self.calls > 1 and self.call_started is not None and batch < self.steps:
            # a full call (an epoch's last one may stop short, where the data ends)
            self.call_seconds.append(time.monotonic() - self.call_started)
        batch = min(batch, self.steps - 1)
        loss = float((logs or {}).get("loss", 0.0))
        if not math.isfinite(loss):
            self.diverged = (
                f"The training loss became {loss} in epoch {self.epoch + 1}: the steps were too "
                "large. Lower the learning rate and try again; fewer hidden layers, or batch "
                "normalization in the deep ones, also make training more stable."
            )
            self.model.stop_training = True
        elif self.reporter.should_stop():
            self.stopped = "Stopped by the learner."
            self.model.stop_training = True
        self.reporter.progress(
            {
                "epoch": self.epoch + 1,
                "epochs": self.epochs,
                "batch": batch + 1,
                "steps": self.steps,
            }
        )

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        if len(self.splits.y_val):
            val = self.evaluator.evaluate(
                self.splits.x_val,
                self.splits.y_val,
                keep_inputs=True,
                between=lambda: take_turns(self.reporter, self.model),
            )
        else:  # a final retrain on all the data has no validation set
            val = {"loss": math.nan, "data_loss": math.nan, "accuracy": math.nan}
        penalty = self.evaluator.penalty()
        logs.update(val_loss=val["loss"], val_accuracy=val["accuracy"])
        record = {
            "epoch": epoch + 1,
            "loss": float(logs.get("loss", math.nan)),
            "data_loss": float(logs.get("data_loss", math.nan)),
            "accuracy": float(logs.get("accuracy", math.nan)),
            "val_loss": val["loss"],
            "val_data_loss": val["data_loss"],
            "val_accuracy": val["accuracy"],
            "penalty": penalty,
            "seconds": time.monotonic() - self.epoch_started,
            "sent_at": time.time(),
        }
        if math.isfinite(val["loss"]) and val["data_loss"] < self.best_loss:  # the drawn curve
            self.best_loss, self.best_epoch = val["data_loss"], epoch + 1
            self.best_weights = self.model.get_weights()
        elif len(self.splits.y_val) and not math.isfinite(val["loss"]) and not self.diverged:
            self.diverged = f"The validation loss became {val['loss']} in epoch {epoch + 1}."
            self.model.stop_training = True
        self.reporter.send("epoch", record)
        self.weight_history.record()
        self._send_boundary(final=False)

    def _send_boundary(self, final: bool) -> None:
        now = time.monotonic()
        if self.grid is None or (not final and now - self.last_boundary < 0.4):
            return
        self.last_boundary = now
        xs, ys, mesh = self.grid
        probabilities = self.model(mesh, training=False).numpy()
        score = probabilities[:, 0] if probabilities.shape[1] == 1 else probabilities[:, 1]
        self.reporter.send(
            "live",
            {"boundary": {"x": xs, "y": ys, "p": score.reshape(GRID, GRID).astype("float32")}},
        )

    def on_train_end(self, logs=None):
        self.evaluator.forget_inputs()  # validation is over; test scoring reads chunk by chunk
        self.last_weights = self.model.get_weights()
        self._send_boundary(final=True)


def take_turns(reporter: Reporter, model: keras.Model, started: bool = True) -> None:
    """Let the worker's other jobs have a turn, if they wait; then this job's model state back."""
    if reporter.pass_turn(started=started):
        MODELS.resume(model, reporter.job_number)


class TakeTurns(keras.callbacks.Callback):
    """Between compiled calls and after each epoch's point, let the worker's other jobs have
    a turn (core.jobs.turns); when this job's comes back, its model state is put back."""

    def __init__(self, reporter: Reporter, steps: int) -> None:
        super().__init__()
        self.reporter, self.steps = reporter, steps
        self.points = 0
        self.stepped_out = False

    def _pass(self) -> None:
        take_turns(self.reporter, self.model, started=self.points > 0)

    def on_train_batch_begin(self, batch, logs=None):
        if MODELS.tracing(self.model):  # seconds of tracing, on this job's own new model only:
            self.stepped_out = True  # the worker's other jobs go on meanwhile
            self.reporter.step_out()

    def on_train_batch_end(self, batch, logs=None):
        if self.stepped_out:
            self.stepped_out = False
            MODELS.traced(self.model)
            self.reporter.take_turn()
            MODELS.resume(self.model, self.reporter.job_number)
        elif batch + 1 < self.steps:  # the epoch's last call ends in on_epoch_end, after its point
            self._pass()

    def on_epoch_end(self, epoch, logs=None):
        self.points += 1
        self._pass()
