"""A worker keeps its last compiled model and reuses it, with fresh seeded weights, for the
next run of the same shape: no retracing, so the first point comes in a fraction of a second.
Jobs taking turns (core.jobs.turns) share it too, each paused one's state kept aside.

A reused model starts exactly where a new one would: its weights, batch-norm statistics and
dropout seeds are copied from a model freshly built under the run's seed, its optimizer's
slots and step count return to their values before the first step, and its metrics reset.
"""

from __future__ import annotations

import os
import random
import threading

import keras
import numpy as np

from core.lab.config import TrainingConfig
from core.lab.model_summary import input_shape, plan_layers
from core.training.model_builder import build_model, compile_model

PRECISIONS = ("float32", "mixed_bfloat16")
KEEP_MODELS = 3  # compiled models a worker keeps between jobs (a class switching shapes)...
KEEP_PARAMS = 1_000_000  # ... while they hold this many parameters in all (else only one)


def precision() -> str:
    """REGLAB_PRECISION: float32 (default) or mixed_bfloat16, an operator's choice for CPUs with
    bfloat16 instructions (AVX512-BF16, AMX). It changes a run's numbers, so it is never on by
    default; on a CPU without them it makes the course CNN ~10× slower (bench/numerics.py)."""
    chosen = os.environ.get("REGLAB_PRECISION", "float32")
    return chosen if chosen in PRECISIONS else "float32"


def seed_everything(seed: int) -> None:
    """keras.utils.set_random_seed, but TensorFlow's global seed is set only when it changes:
    setting it clears TensorFlow's kernel caches (TFE_ContextClearCaches), and a reused compiled
    model's next call then took ~150 ms instead of ~15 ms, for every run of a class. What the
    rest sets (Python's and NumPy's generators, Keras' global seed generator) is set each time;
    nothing in a run draws from TensorFlow's global generator (dropout and initializers use
    Keras seed generators, the input order a stateless shuffle)."""
    from keras.src.backend.common import global_state  # what set_random_seed sets (pinned)
    from keras.src.random.seed_generator import GLOBAL_SEED_GENERATOR
    from keras.src.utils.rng_utils import GLOBAL_RANDOM_SEED
    from tensorflow.python.eager import context

    if getattr(context.context(), "_seed", None) != seed:
        keras.utils.set_random_seed(seed)
        return
    global_state.set_global_attribute(GLOBAL_RANDOM_SEED, seed)
    global_state.set_global_attribute(GLOBAL_SEED_GENERATOR, None)
    random.seed(seed)
    np.random.seed(seed)


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


def _state(model: keras.Model) -> list:
    """Every variable a paused run needs back: weights, batch-norm statistics, dropout seeds,
    optimizer slots and step, metric sums (each once)."""
    seen: dict[int, object] = {}
    for variable in (*model.variables, *model.optimizer.variables, *model.metrics_variables):
        seen.setdefault(id(variable), variable)
    return list(seen.values())


class CompiledModels:
    """This worker's compiled models: the last few small ones between jobs (memory is the
    class's budget), one per shape while jobs take turns. Jobs of one shape share one model: each
    paused job's state is kept aside (a few arrays) and put back when its turn comes."""

    def __init__(self) -> None:
        self._models: dict[tuple, keras.Model] = {}
        self._optimizer_start: dict[tuple, list[np.ndarray]] = {}
        self._users: dict[tuple, set[int]] = {}  # key -> live jobs training on that model
        self._loaded: dict[int, int | None] = {}  # id(model) -> the job whose state it holds
        self._kept: dict[int, tuple[list[np.ndarray], bool]] = {}  # paused job -> its state
        self.key: tuple | None = None  # the newest model's
        self._tracing: dict[int, tuple[threading.Event, int]] = {}  # id(model) -> (done, job)
        self._params: dict[tuple, int] = {}
        self.reused = 0

    @property
    def model(self) -> keras.Model | None:
        return self._models.get(self.key)

    def forget(self) -> None:
        self._models, self._optimizer_start, self._users, self._params = {}, {}, {}, {}
        self._loaded, self._kept, self.key = {}, {}, None

    def model_for(
        self,
        config: TrainingConfig,
        seed: int,
        sparse: bool,
        per_call: int,
        job: int = -1,
        reporter=None,
    ):
        """A compiled model for config whose state is that of a new model seeded with `seed`,
        for `job` (whose state, when it shares the model, goes aside at each other's turn).
        A model of this shape still being traced by another job is waited for, out of turn."""
        key = model_key(config, sparse, per_call)
        while key in self._models and id(self._models[key]) in self._tracing:
            done, tracer = self._tracing[id(self._models[key])]
            if tracer == job or not any(tracer in users for users in self._users.values()):
                self.traced(self._models[key])  # its tracer is gone (or is this job again)
            elif reporter is not None:
                reporter.step_out()
                done.wait()
                reporter.take_turn()
        others = any(users - {job} for users in self._users.values())
        if key not in self._models and not others and not self._room_for(config):
            self.forget()
            keras.backend.clear_session(free_memory=False)  # a full collection costs ~0.3 s
        self._drop_idle(keep=key)
        if key in self._models:
            self._models[key] = self._models.pop(key)  # the newest last
            self._set_aside(self._models[key], job)
        keras.mixed_precision.set_global_policy(precision())  # clear_session resets it
        seed_everything(seed)
        fresh = build_model(config, sparse=sparse)
        self.key = key
        self._users.setdefault(key, set()).add(job)
        if key in self._models and self._restart(key, fresh):
            self.reused += 1
            self._loaded[id(self._models[key])] = job
            return self._models[key]
        compile_model(fresh, config, steps_per_execution=per_call)
        fresh.optimizer.build(fresh.trainable_variables)
        self._models[key] = fresh
        self._params[key] = fresh.count_params()
        if reporter is not None:  # its first call traces it: see tracing()
            self._tracing[id(fresh)] = (threading.Event(), job)
        self._optimizer_start[key] = [np.array(v.numpy()) for v in fresh.optimizer.variables]
        self._loaded[id(fresh)] = job
        return fresh

    def resume(self, model: keras.Model, job: int) -> None:
        """Before `job` computes again after others had turns: its own state back in `model`."""
        if self._loaded.get(id(model), job) == job:
            return
        self._set_aside(model, job)
        state = self._kept.pop(job, None)
        if state is not None:
            arrays, stop_training = state
            for variable, value in zip(_state(model), arrays, strict=True):
                variable.assign(value)
            model.stop_training = stop_training
        self._loaded[id(model)] = job

    def tracing(self, model: keras.Model) -> bool:
        """Whether the model's first call, which traces it, is still to come."""
        return id(model) in self._tracing

    def traced(self, model: keras.Model) -> None:
        """Its first call is done: jobs of its shape waiting for it go on."""
        done, _ = self._tracing.pop(id(model), (None, None))
        if done is not None:
            done.set()

    def release(self, job: int) -> None:
        """The job ended: forget its state; its model stays for the next run of its shape."""
        self._kept.pop(job, None)
        for model_id, (done, tracer) in list(self._tracing.items()):
            if tracer == job:  # it ended before its first call did: the others go on
                del self._tracing[model_id]
                done.set()
        for users in self._users.values():
            users.discard(job)
        for model_id, holder in self._loaded.items():
            if holder == job:
                self._loaded[model_id] = None

    def _set_aside(self, model: keras.Model, job: int) -> None:
        """Keep the state of the paused job whose state `model` holds, if it is not `job`."""
        holder = self._loaded.get(id(model))
        if holder is not None and holder != job and any(holder in u for u in self._users.values()):
            values = [np.array(v.numpy()) for v in _state(model)]
            self._kept[holder] = (values, bool(model.stop_training))
        self._loaded[id(model)] = None

    def _room_for(self, config: TrainingConfig) -> bool:
        """Whether one more model fits beside the kept ones (else they go, and the session)."""
        from core.lab.model_summary import summarize

        params = sum(self._params.values()) + summarize(config).total_params
        return len(self._models) < KEEP_MODELS and params <= KEEP_PARAMS

    def _drop_idle(self, keep: tuple) -> None:
        """Let go of the oldest models no live job trains, beyond what the worker keeps."""
        for key in list(self._models):
            if len(self._models) <= KEEP_MODELS and sum(self._params.values()) <= KEEP_PARAMS:
                return
            if key not in (keep, self.key) and not self._users.get(key):
                self._loaded.pop(id(self._models.pop(key)), None)
                self._optimizer_start.pop(key, None)
                self._users.pop(key, None)
                self._params.pop(key, None)

    def _restart(self, key: tuple, fresh: keras.Model) -> bool:
        model = self._models[key]
        if len(model.variables) != len(fresh.variables):
            return False
        for target, source in zip(model.variables, fresh.variables, strict=True):
            if tuple(target.shape) != tuple(source.shape):
                return False
        for target, source in zip(model.variables, fresh.variables, strict=True):
            target.assign(source.value)
        for variable, start in zip(
            model.optimizer.variables, self._optimizer_start[key], strict=True
        ):
            variable.assign(start)
        model.reset_metrics()
        model.stop_training = False
        return True


MODELS = CompiledModels()
