"""Evaluation in a few compiled calls: validation each epoch, test scores and weight statistics."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from core.data.features import MultiHot, ScaledImages, as_float32, image_bytes, row_width


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

    def evaluate(
        self, x, y, keep_probabilities: bool = False, keep_inputs: bool = False, between=None
    ) -> dict:
        """Loss and accuracy over x; `between()` runs after each chunk but the last (a worker
        with turns lets its other jobs go on while a long evaluation runs)."""
        loss_sum, correct, kept = 0.0, 0.0, []
        width = 64 if self.sparse else row_width(x)  # a sparse model reads words only
        chunk = max(64, min(self.chunk, 2**24 // width))
        parts = self._inputs(x, chunk, keep_inputs)
        for part, start in zip(parts, range(0, len(y), chunk), strict=True):
            if start and between is not None:
                between()
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


def weight_stats(model: keras.Model) -> list[dict]:
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


def test_report(evaluator: Evaluator, splits, n_classes: int, between=None) -> dict:
    scored = evaluator.evaluate(
        splits.x_test, splits.y_test, keep_probabilities=True, between=between
    )
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
