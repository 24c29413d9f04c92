"""A worker keeps its last compiled model and reuses it, with fresh seeded weights, for the
next run of the same shape: no retracing, so the first point comes in a fraction of a second.

A reused model starts exactly where a new one would: its weights, batch-norm statistics and
dropout seeds are copied from a model freshly built under the run's seed, its optimizer's
slots and step count return to their values before the first step, and its metrics reset.
"""

from __future__ import annotations

import os

import keras
import numpy as np

from core.lab.config import TrainingConfig
from core.lab.model_summary import input_shape, plan_layers
from core.training.model_builder import build_model, compile_model

PRECISIONS = ("float32", "mixed_bfloat16")


def precision() -> str:
    """REGLAB_PRECISION: float32 (default) or mixed_bfloat16, an operator's choice for CPUs with
    bfloat16 instructions (AVX512-BF16, AMX). It changes a run's numbers, so it is never on by
    default; on a CPU without them it makes the course CNN ~10× slower (bench/numerics.py)."""
    chosen = os.environ.get("REGLAB_PRECISION", "float32")
    return chosen if chosen in PRECISIONS else "float32"


def model_key(config: TrainingConfig, sparse: bool, per_call: int) -> tuple:
    """Everything the compiled training step depends on (not the seed, data or epochs)."""
    optimizer = (
        config.optimizer,
        config.learning_rate,
        config.momentum,
        config.nesterov,
        config.weight_decay,
    )
    plan = repr(plan_layers(config))
    shape = input_shape(config)
    return (plan, shape, sparse, optimizer, config.info.n_classes, per_call, precision())


class CompiledModels:
    """The last compiled model of this worker (one: memory is the class's budget)."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.model: keras.Model | None = None
        self._optimizer_start: list[np.ndarray] = []
        self.reused = 0

    def forget(self) -> None:
        self.key, self.model, self._optimizer_start = None, None, []

    def model_for(self, config: TrainingConfig, seed: int, sparse: bool, per_call: int):
        """A compiled model for config whose state is that of a new model seeded with `seed`."""
        key = model_key(config, sparse, per_call)
        if key != self.key:
            self.forget()
            keras.backend.clear_session(free_memory=False)  # a full collection costs ~0.3 s
            keras.mixed_precision.set_global_policy(precision())  # clear_session resets it
        keras.utils.set_random_seed(seed)
        fresh = build_model(config, sparse=sparse)
        if key == self.key and self._restart(fresh):
            self.reused += 1
            return self.model
        compile_model(fresh, config, steps_per_execution=per_call)
        fresh.optimizer.build(fresh.trainable_variables)
        self.key, self.model = key, fresh
        self._optimizer_start = [np.array(v.numpy()) for v in fresh.optimizer.variables]
        return fresh

    def _restart(self, fresh: keras.Model) -> bool:
        model = self.model
        if model is None or len(model.variables) != len(fresh.variables):
            return False
        for target, source in zip(model.variables, fresh.variables, strict=True):
            if tuple(target.shape) != tuple(source.shape):
                return False
        for target, source in zip(model.variables, fresh.variables, strict=True):
            target.assign(source.value)
        for variable, start in zip(model.optimizer.variables, self._optimizer_start, strict=True):
            variable.assign(start)
        model.reset_metrics()
        model.stop_training = False
        return True


MODELS = CompiledModels()
