"""Operator speed settings: threads per worker and the (off by default) bfloat16 switch."""

from __future__ import annotations

import pytest

from core.jobs.local_pool import threads_per_worker
from core.lab.config import TrainingConfig


def test_a_lone_worker_uses_every_core_and_a_full_pool_shares_them(monkeypatch):
    monkeypatch.delenv("REGLAB_TF_THREADS", raising=False)
    assert threads_per_worker(1, cores=2) == 2
    assert threads_per_worker(2, cores=2) == 2  # at most 2 threads a core when both train
    assert threads_per_worker(4, cores=2) == 1
    assert threads_per_worker(2, cores=8) == 8
    assert threads_per_worker(8, cores=8) == 2
    monkeypatch.setenv("REGLAB_TF_THREADS", "3")
    assert threads_per_worker(2, cores=8) == 3
    monkeypatch.setenv("REGLAB_TF_THREADS", "lots")
    assert threads_per_worker(2, cores=8) == 8


@pytest.mark.slow  # imports Keras in this process
def test_bfloat16_is_off_unless_the_operator_turns_it_on(monkeypatch):
    keras = pytest.importorskip("keras")
    from core.training.model_cache import MODELS, model_key, precision

    config = TrainingConfig(units=(16,))

    def built():
        MODELS.forget()
        model = MODELS.model_for(config, seed=0, sparse=False, per_call=1)
        return {layer.name: layer.dtype_policy.compute_dtype for layer in model.layers}

    monkeypatch.delenv("REGLAB_PRECISION", raising=False)
    assert precision() == "float32"
    default_key = model_key(config, False, 1)
    assert set(built().values()) == {"float32"}
    try:
        monkeypatch.setenv("REGLAB_PRECISION", "mixed_bfloat16")
        assert model_key(config, False, 1) != default_key  # never reuses a float32 model
        dtypes = built()
        assert dtypes["dense_1"] == "bfloat16" and dtypes["output"] == "float32"
        monkeypatch.setenv("REGLAB_PRECISION", "float16; rm -rf /")
        assert precision() == "float32"
    finally:
        MODELS.forget()
        keras.mixed_precision.set_global_policy("float32")
