"""The Training Lab's job: train a TrainingConfig in a worker and stream per-epoch metrics."""

from __future__ import annotations

import math
import os
import statistics
import time

import keras
import numpy as np
import tensorflow as tf

from core.config import TRAINING_TASK, TrainingConfig, tensorboard_root
from core.data_loading import load_splits
from core.estimate import BACKWARD, forward_flops
from core.features import MultiHot, ScaledImages, as_float32, image_bytes, row_width
from core.model_cache import MODELS
from core.model_summary import sparse_input
from core.worker import Diverged, Reporter, StopRequested

TASK = TRAINING_TASK
SECONDS_PER_EXECUTION = 0.15  # how much work one compiled call does between progress reports
# Training FLOP/s a worker starts from, measured on this 2-core machine (bench/course_speed.py);
# each worker then learns its own (StepSpeed). Conv layers run far nearer the peak.
INITIAL_SPEED = {"conv": 40e9, "dense": 15e9}
STEP_OVERHEAD = 2e-4  # seconds per step inside a compiled call (callbacks are per call)
GRID = 60  # decision-boundary resolution for 2-D sets
HISTOGRAM_BINS = 41  # per-layer weight histograms over epochs; the middle bin holds zero


class StepSpeed:
    """How fast this worker trains (FLOP/s, per kind of model), learned from the calls it ran.

    It sizes `steps_per_execution`. A plan never changes a run's numbers (every epoch is one
    pass over the data, however it is cut into calls), so learning from timings is safe.
    """

    def __init__(self) -> None:
        self.flops_per_second = dict(INITIAL_SPEED)

    def step_seconds(self, kind: str, step_flops: float) -> float:
        return step_flops / self.flops_per_second[kind] + STEP_OVERHEAD

    def learn(self, kind: str, step_flops: float, seconds_per_step: float) -> None:
        """Move halfway (geometrically) towards the speed just measured."""
        if step_flops <= 0 or seconds_per_step <= STEP_OVERHEAD:
            return
        measured = step_flops / (seconds_per_step - STEP_OVERHEAD)
        self.flops_per_second[kind] = math.sqrt(self.flops_per_second[kind] * measured)


SPEED = StepSpeed()


def execution_plan(n_train: int, batch_size: int, step_seconds: float) -> tuple[int, int]:
    """(steps_per_execution, steps_per_epoch): calls of about 0.15 s each over one epoch.

    Keras runs `steps_per_execution` batches in one compiled call; fewer calls means less
    per-call overhead. Progress and Stop are checked between calls. An epoch is one pass
    over the training data (the last batch may be smaller), and its last call stops where
    the data ends, so the plan never changes what a run computes. Calls are whole epochs or
    a power of two steps, so that runs of one shape share a compiled model (core.model_cache).
    """
    steps = max(1, math.ceil(n_train / batch_size))
    fits = max(1, int(SECONDS_PER_EXECUTION / max(step_seconds, 1e-9)))
    if fits >= steps:
        return steps, steps
    return 2 ** int(math.log2(fits)), steps  # a power of two: the next run likely reuses it


class _Silent(Reporter):
    """A reporter for a worker's own warm-up run: it tells no one and is never stopped."""

    def __init__(self) -> None:
        super().__init__(0)

    def _put(self, kind: str, data: dict) -> None:
        pass

    def _stop_pressed(self) -> bool:
        return False


def warm_up() -> None:
    """Train the Lab's default model for one epoch, so its compiled calls (and this worker's
    speed) are ready for a learner's first run: its first point then takes ~0.3 s, not 1.4."""
    config = TrainingConfig(epochs=1)
    fit_model(config, load_splits(config), _Silent())


def step_flops(config: TrainingConfig) -> float:
    """Arithmetic of one training step (forward + backward ≈ 3 forward passes)."""
    return BACKWARD * forward_flops(config) * config.batch_size


def model_input(part):
    """A slice of features as the evaluator's compiled call takes it: multi-hot rows as a
    sparse batch (made dense inside the call for a dense model), uint8 images as they are
    (scaled inside the call), else dense float32. None of these copies a dense array, so
    the validation inputs can be kept for the whole run."""
    if isinstance(part, MultiHot):
        coords = part.coordinates()
        return tf.SparseTensor(coords, np.ones(len(coords), np.float32), part.shape)
    if isinstance(part, ScaledImages) and part.scale == 1 / 255:
        return part.raw
    return as_float32(part)


def _batch_reader(x):
    """A TF function: example indices -> a dense float32 batch, from compact storage."""
    if isinstance(x, ScaledImages):
        raw, scale = tf.constant(x.raw), x.scale
        return lambda idx: tf.cast(tf.gather(raw, idx), tf.float32) * scale
    values = tf.constant(np.asarray(x, dtype=np.float32))
    return lambda idx: tf.gather(values, idx)


def _multi_hot_epoch(x: MultiHot, y, batch_size: int, sparse: bool):
    """permutation -> that epoch's batches. The rows are put in order once, in NumPy (~30 ms
    for IMDB), so that every batch is a contiguous slice: gathering a batch's 66,000 word ids
    in TensorFlow costs ~4 ms, more than a 16-16 model's training step."""
    n, width = len(y), x.width

    def arrange(permutation):  # NumPy, once per epoch
        part = x[permutation]
        coords = part.coordinates(rows_per_batch=batch_size)
        bounds = part.indptr[np.r_[0:n:batch_size, n]].astype(np.int64)
        return coords, bounds, y[permutation]

    def epoch(permutation):
        coords, bounds, labels = tf.numpy_function(
            arrange, [permutation], (tf.int64, tf.int64, tf.as_dtype(y.dtype))
        )
        coords = tf.ensure_shape(coords, (None, 2))
        labels = tf.ensure_shape(labels, (None,))

        def batch(i):
            begin, end = bounds[i], bounds[i + 1]
            part = labels[i * batch_size : (i + 1) * batch_size]
            shape = tf.stack([tf.size(part, out_type=tf.int64), tf.constant(width, tf.int64)])
            features = tf.SparseTensor(coords[begin:end], tf.ones([end - begin]), shape)
            features.set_shape((None, width))
            return (features if sparse else tf.sparse.to_dense(features)), part

        return tf.data.Dataset.range(tf.size(bounds, out_type=tf.int64) - 1).map(batch)

    return epoch


def _dense_epoch(x, y, batch_size: int):
    """permutation -> that epoch's batches, each read from compact storage as it comes."""
    read, labels = _batch_reader(x), tf.constant(y)

    def epoch(permutation):
        batches = tf.data.Dataset.from_tensor_slices(permutation).batch(batch_size)
        return batches.map(lambda idx: (read(idx), tf.gather(labels, idx)))

    return epoch


def _train_dataset(
    x, y, batch_size: int, seed: int, sparse: bool = False, repeat: bool = False
) -> tuple[tf.data.Dataset, tf.Variable]:
    """Shuffled batches, one pass over the data an epoch (the last batch may be smaller), as
    model.fit(x, y, shuffle=True) does, and the variable holding the epoch number.

    Epoch e's order depends only on (seed, e), so how a run is cut into calls never changes
    what it computes. Keras iterates the dataset afresh each epoch, after `EpochNumber` has
    set the variable; with `repeat`, the epochs follow on in one endless stream instead (for
    runs whose calls are whole epochs: the next epoch is read ahead while this one ends).
    Multi-hot rows come as a sparse batch if `sparse`, else made dense per batch.
    """
    n = len(y)
    if isinstance(x, MultiHot):
        one_epoch = _multi_hot_epoch(x, y, batch_size, sparse)
    else:
        one_epoch = _dense_epoch(x, y, batch_size)

    def epoch_data(number):
        seed_pair = tf.stack([tf.constant(seed, tf.int64), tf.cast(number, tf.int64)])
        order = tf.random.experimental.stateless_shuffle(tf.range(n, dtype=tf.int64), seed_pair)
        return one_epoch(order)

    number = tf.Variable(0, dtype=tf.int64, trainable=False)
    if repeat:
        data = tf.data.Dataset.range(2**62).flat_map(epoch_data)
    else:
        data = tf.data.Dataset.range(1).flat_map(lambda _: epoch_data(number.read_value()))
        data = data.apply(tf.data.experimental.assert_cardinality(math.ceil(n / batch_size)))
    return data.prefetch(tf.data.AUTOTUNE), number


class EpochNumber(keras.callbacks.Callback):
    """Tells the training data which epoch begins (see _train_dataset)."""

    def __init__(self, number: tf.Variable) -> None:
        super().__init__()
        self.number = number

    def on_epoch_begin(self, epoch, logs=None):
        self.number.assign(epoch)


class Evaluator:
    """Loss (data part), penalty and accuracy over whole arrays in a few compiled calls."""

    def __init__(self, model: keras.Model, binary: bool, chunk: int = 4096) -> None:
        """`chunk`: examples per call at most; fewer where an example's input or any layer's
        output is wide (a conv layer's maps), so that one call's tensors stay ~64 MB."""
        self.model, self.binary = model, binary
        self.sparse = bool(model.inputs) and getattr(model.inputs[0], "sparse", False)
        self._kept_inputs: tuple = (None, [])
        widest = max((int(np.prod(layer.output.shape[1:])) for layer in model.layers), default=1)
        self.chunk = max(64, min(chunk, 2**24 // max(widest, 1)))
        self._loss = (
            keras.losses.BinaryCrossentropy(reduction="sum")
            if binary
            else keras.losses.SparseCategoricalCrossentropy(reduction="sum")
        )
        self._step = tf.function(self._sums, reduce_retracing=True)

    def _sums(self, x, y):
        if isinstance(x, tf.SparseTensor) and not self.sparse:
            x = tf.sparse.to_dense(x)  # one chunk at a time, inside the call
        elif x.dtype == tf.uint8:  # raw images: scaled here, not copied as float32 first
            x = tf.cast(x, tf.float32) / 255.0
        probabilities = self.model(x, training=False)
        if self.binary:
            predicted = tf.cast(probabilities[:, 0] > 0.5, y.dtype)
        else:
            predicted = tf.cast(tf.argmax(probabilities, axis=-1), y.dtype)
        correct = tf.reduce_sum(tf.cast(tf.equal(predicted, y), tf.float32))
        return self._loss(y, probabilities), correct, probabilities

    def penalty(self) -> float:
        return float(sum(float(loss) for loss in self.model.losses)) if self.model.losses else 0.0

    @classmethod
    def of(cls, model: keras.Model, binary: bool) -> Evaluator:
        """The model's evaluator, kept with it (a reused model keeps its compiled calls)."""
        evaluator = getattr(model, "reglab_evaluator", None)
        if evaluator is None or evaluator.binary != binary:
            evaluator = cls(model, binary)
            model.reglab_evaluator = evaluator
        evaluator.forget_inputs()
        return evaluator

    def forget_inputs(self) -> None:
        """Let go of the kept validation inputs (a worker keeps its model between jobs)."""
        self._kept_inputs = (None, [])

    def _inputs(self, x, chunk: int, keep: bool):
        """x cut into model inputs, one chunk at a time; with `keep` (validation, every epoch)
        they are made once and kept until forget_inputs."""
        kept, parts = self._kept_inputs
        if kept is not None and kept[0] is x and kept[1] == chunk:
            return parts
        parts = (model_input(x[s : s + chunk]) for s in range(0, len(x), chunk))
        if not keep:
            return parts
        self._kept_inputs = ((x, chunk), list(parts))
        return self._kept_inputs[1]

    def evaluate(self, x, y, keep_probabilities: bool = False, keep_inputs: bool = False) -> dict:
        loss_sum, correct, kept = 0.0, 0.0, []
        width = 64 if self.sparse else row_width(x)  # a sparse model reads words only
        chunk = max(64, min(self.chunk, 2**24 // width))
        parts = self._inputs(x, chunk, keep_inputs)
        for part, start in zip(parts, range(0, len(y), chunk), strict=True):
            part_loss, part_correct, probabilities = self._step(part, y[start : start + chunk])
            loss_sum += float(part_loss)
            correct += float(part_correct)
            if keep_probabilities:
                kept.append(probabilities.numpy())
        n = max(len(y), 1)
        data_loss = loss_sum / n
        out = {"data_loss": data_loss, "loss": data_loss + self.penalty(), "accuracy": correct / n}
        if keep_probabilities:
            out["probabilities"] = np.concatenate(kept) if kept else np.zeros((0, 1))
        return out


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
            val = self.evaluator.evaluate(self.splits.x_val, self.splits.y_val, keep_inputs=True)
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


def _weight_stats(model: keras.Model) -> list[dict]:
    stats = []
    for layer in model.layers:
        if not isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D)):
            continue
        kernel = layer.get_weights()[0].ravel()
        counts, edges = np.histogram(kernel, bins=40)
        stats.append(
            {
                "layer": layer.name,
                "counts": counts.tolist(),
                "edges": edges.tolist(),
                "zero_fraction": float(np.mean(kernel == 0.0)),
                "near_zero_fraction": float(np.mean(np.abs(kernel) < 1e-3)),
                "mean_abs": float(np.mean(np.abs(kernel))),
                "l2_norm": float(np.sqrt(np.sum(kernel**2))),
            }
        )
    return stats


def _test_report(evaluator: Evaluator, splits, n_classes: int) -> dict:
    scored = evaluator.evaluate(splits.x_test, splits.y_test, keep_probabilities=True)
    probabilities = scored.pop("probabilities")
    if probabilities.shape[1] == 1:
        predicted = (probabilities[:, 0] > 0.5).astype(int)
    else:
        predicted = probabilities.argmax(axis=1)
    classes = max(n_classes, 2)
    confusion = np.zeros((classes, classes), dtype=int)
    np.add.at(confusion, (splits.y_test.astype(int), predicted), 1)
    wrong = np.flatnonzero(predicted != splits.y_test)[:48]
    report = {
        **scored,
        "confusion": confusion.tolist(),
        "misclassified": [
            {"index": int(i), "true": int(splits.y_test[i]), "predicted": int(predicted[i])}
            for i in wrong
        ],
    }
    if len(splits.x_test.shape) == 4:  # images: the first few wrong ones travel with the result
        report["misclassified_images"] = image_bytes(splits.x_test[wrong[:24]])
    return report


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
    model = MODELS.model_for(config, config.seed if seed is None else seed, sparse, per_call)
    live = LiveReport(reporter, config, splits, steps, epochs=epochs, boundary=boundary)
    whole_epochs = per_call == steps  # one call an epoch: one stream, read ahead
    data, epoch_number = _train_dataset(
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


def run_training(payload: dict, reporter: Reporter) -> dict:
    """Train payload['config'] and return test scores (last epoch and best checkpoint)."""
    config: TrainingConfig = payload["config"]
    splits = load_splits(config, allow_download=True, data_dir=payload.get("data_dir"))
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
        result = _results(config, splits, model, live, logs)
        raise StopRequested(str(stop), result=result) from None
    return _results(config, splits, model, live, logs)


def _results(
    config: TrainingConfig, splits, model: keras.Model, live: LiveReport, logs: str = ""
) -> dict:
    """Test scores of the last and best weights, weight statistics and what the run did."""
    final_weights = model.get_weights()
    evaluator = live.evaluator
    n_classes = config.info.n_classes
    model.set_weights(live.last_weights)
    last = _test_report(evaluator, splits, n_classes)
    best = last
    if live.best_weights is not None:
        model.set_weights(live.best_weights)
        best = _test_report(evaluator, splits, n_classes)
    model.set_weights(final_weights)
    epochs_run = live.epoch + 1
    restored = config.early_stopping and config.es_restore_best and not live.stopped
    final = "best" if restored else "last"
    extra = {}
    if restored and not _same(final_weights, live.best_weights):
        # EarlyStopping keeps its own best: by val_loss with the penalty, and min_delta
        final, extra = "restored", {"test_restored": _test_report(evaluator, splits, n_classes)}
    if logs:
        extra["tensorboard_dir"] = logs
    if math.isfinite(live.best_loss):  # a run stopped inside its first epoch has none
        extra["best_val_loss"] = live.best_loss
    return {
        **extra,
        "test_last": last,
        "test_best": best,
        "final": final,
        "best_epoch": live.best_epoch,
        "epochs_run": epochs_run,
        "early_stopped": epochs_run < config.epochs and not live.stopped,
        "stopped_by_learner": bool(live.stopped),
        "restored_best": restored,
        "weights": _weight_stats(model),
        "weight_history": live.weight_history.records(),
        "params": model.count_params(),
        "sizes": splits.sizes(),
    }
