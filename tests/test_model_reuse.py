"""A reused compiled model trains exactly as a new one; the call plan never changes the numbers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.lab.config import TrainingConfig

pytest.importorskip("tensorflow")

from core.data.loading import load_splits
from core.training import fit as training
from core.training.model_cache import MODELS
from tests.recorder import Recorder

pytestmark = pytest.mark.slow  # trains Keras models in this process

# dropout (seeded masks), batch norm (moving statistics) and SGD momentum (optimizer slots):
# every kind of state a reused model must start afresh
CONFIG = TrainingConfig(
    units=(32, 16),
    dropout=(0.3, 0.2),
    batchnorm=(True, False),
    l2=(1e-3, 0.0),
    optimizer="sgd",
    learning_rate=0.05,
    momentum=0.9,
    epochs=4,
)


def curves(config, **fit) -> list[tuple]:
    recorder = Recorder()
    training.fit_model(config, load_splits(config), recorder, boundary=False, **fit)
    keys = ("loss", "data_loss", "accuracy", "val_loss", "val_accuracy", "penalty")
    return [tuple(epoch[k] for k in keys) for epoch in recorder.epochs]


def test_a_reused_model_trains_exactly_as_a_new_one():
    MODELS.forget()
    fresh = curves(CONFIG)
    reused_before = MODELS.reused
    other_seed = curves(replace(CONFIG, seed=7))  # moves weights, slots and dropout seeds on
    again = curves(CONFIG)
    assert MODELS.reused == reused_before + 2  # both later runs reused the compiled model
    assert other_seed != fresh
    assert again == fresh  # bit for bit
    evaluator = MODELS.model.reglab_evaluator  # kept with the model between jobs ...
    assert evaluator._kept_inputs == (None, [])  # ... without the last run's validation data


def test_another_shape_or_optimizer_gets_its_own_model():
    MODELS.forget()
    curves(CONFIG)
    reused = MODELS.reused
    curves(replace(CONFIG, units=(32, 8)))
    curves(replace(CONFIG, units=(32, 8), learning_rate=0.01))
    assert MODELS.reused == reused


def test_how_calls_are_cut_never_changes_the_numbers(monkeypatch):
    MODELS.forget()
    config = replace(CONFIG, train_subset=300, batch_size=16)  # 19 steps, the last one short
    whole = curves(config)
    monkeypatch.setattr(training.SPEED, "step_seconds", lambda kind, work: 0.04)  # 2 a call
    assert training.execution_plan(300, 16, 0.04) == (2, 19)
    assert curves(config) == whole
