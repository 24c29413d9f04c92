"""TrainingConfig: validation messages and the URL round trip."""

import pytest

from core.lab.checks import problems
from core.lab.config import Caps, TrainingConfig


def test_defaults_are_valid():
    assert problems(TrainingConfig()) == []


@pytest.mark.parametrize(
    ("changes", "phrase"),
    [
        ({"units": ()}, "at least one hidden layer"),
        ({"units": (0,)}, "Units must be ≥ 1"),
        ({"units": (100_000,)}, "Units must be ≤ 4096"),
        ({"dropout": (1.0,)}, "Dropout p must be ≤ 0.9"),
        ({"dropout": (-0.1,)}, "Dropout p must be ≥ 0"),
        ({"l2": (-0.01,)}, "L2 λ must be ≥ 0"),
        ({"l1": (-1.0,)}, "L1 λ must be ≥ 0"),
        ({"learning_rate": 0.0}, "Learning rate must be ≥ 1e-06"),
        ({"batch_size": 0}, "Batch size must be ≥ 1"),
        ({"epochs": 0}, "Epochs must be ≥ 1"),
        ({"optimizer": "adamw"}, "Optimizer must be one of"),
        ({"momentum": 0.9}, "apply to SGD only"),
        ({"learning_rate": float("nan")}, "finite"),
    ],
)
def test_bad_values_get_clear_messages(changes, phrase):
    found = problems(TrainingConfig(**changes))
    assert any(phrase in message for message in found), found


def test_parameter_cap_uses_the_model_size():
    big = TrainingConfig(dataset="imdb", units=(4096, 4096))
    found = problems(big, Caps(max_params=1_000_000))
    assert any("parameters" in m and "cap" in m for m in found)
    assert (
        problems(TrainingConfig(dataset="imdb", units=(16, 16)), Caps(max_params=1_000_000)) == []
    )


def test_epoch_cap():
    assert any("capped" in m for m in problems(TrainingConfig(epochs=600), Caps(max_epochs=500)))


def test_url_round_trip_keeps_every_field():
    config = TrainingConfig(
        dataset="moons",
        n_samples=800,
        noise=0.35,
        units=(16, 8, 4),
        activations=("tanh",),
        l1=(0.0, 0.001, 0.0),
        l2=(0.002,),
        dropout=(0.5, 0.25, 0.0),
        batchnorm=(True,),
        batchnorm_position="after",
        optimizer="sgd",
        learning_rate=0.05,
        momentum=0.9,
        nesterov=True,
        batch_size=64,
        epochs=12,
        seed=7,
        early_stopping=True,
        es_patience=3,
        es_restore_best=False,
    )
    params = config.to_query()
    assert all(isinstance(v, str) for v in params.values())
    again, notices = TrainingConfig.from_query(params)
    assert notices == []
    assert again == config


def test_defaults_make_an_empty_query():
    assert TrainingConfig().to_query() == {}


def test_junk_values_fall_back_with_notices_and_unknown_keys_are_ignored():
    params = {
        "lr": "abc",
        "drop": "1.0",
        "units": "64,-3",
        "bs": "0",
        "ds": "cifar",
        "nest": "maybe",
        "ep": "1e9",
        "l2": "nan",
        "whatever": "1",
        "seed": "3",
    }
    config, notices = TrainingConfig.from_query(params)
    default = TrainingConfig()
    assert config.learning_rate == default.learning_rate
    assert config.units == (64, 1)
    assert config.dataset == default.dataset
    assert config.seed == 3
    # numbers out of range are clamped to the widget's bounds, each with a notice
    assert (config.dropout, config.batch_size, config.epochs) == ((0.9,), 1, 10_000)
    assert len(notices) == 8
    assert sum("ignored" in n for n in notices) == 4
    assert sum("using" in n and "ignored" not in n for n in notices) == 4


def test_mismatched_layer_lists_fall_back_to_defaults():
    config, notices = TrainingConfig.from_query({"units": "8,8,8", "drop": "0.1,0.2"})
    assert config == TrainingConfig()
    assert notices and "did not fit" in notices[0]


def test_single_values_apply_to_every_layer():
    config = TrainingConfig(units=(8, 8, 8), l2=(0.01,))
    assert [layer.l2 for layer in config.layers()] == [0.01, 0.01, 0.01]
    same = TrainingConfig(units=(8, 8), l2=(0.01, 0.01))
    assert same.l2 == (0.01,) and same == TrainingConfig(units=(8, 8), l2=(0.01,))


def test_query_lists_accept_streamlit_style_lists():
    config, notices = TrainingConfig.from_query({"ep": ["5", "9"]})
    assert config.epochs == 9 and notices == []
