"""Keras wiring: the TensorFlow-free summary equals the built model, layer by layer."""

import pytest

from core.lab.config import TrainingConfig
from core.lab.model_summary import shape_problem, summarize

keras = pytest.importorskip("keras")
from core.training.model_builder import build_model, compile_model  # noqa: E402

pytestmark = pytest.mark.slow  # builds Keras models in this process

CASES = [
    TrainingConfig(dataset="imdb", units=(16, 16)),
    TrainingConfig(dataset="mnist", architecture="cnn", units=(64,)),
    TrainingConfig(
        dataset="mnist",
        architecture="cnn",
        units=(64,),
        conv_batchnorm=True,
        batchnorm=(True,),
        batchnorm_position="after",
    ),
    TrainingConfig(
        dataset="mnist", architecture="cnn", units=(64,), conv_dropout=0.25, dropout=(0.5,)
    ),
    TrainingConfig(units=(32, 16), batchnorm=(True, False), l1=(0.01, 0.0), l2=(0.0, 0.02)),
    TrainingConfig(dataset="moons", units=(8,), dropout=(0.3,), activations=("tanh",)),
]


def test_course_parameter_counts():
    assert summarize(TrainingConfig(dataset="imdb", units=(16, 16))).total_params == 160_305
    cnn = TrainingConfig(dataset="mnist", architecture="cnn", units=(64,))
    assert summarize(cnn).total_params == 121_930


@pytest.mark.parametrize("config", CASES)
def test_summary_matches_keras(config):
    model = build_model(config)
    rows = summarize(config).rows
    assert [layer.name for layer in model.layers] == [row.name for row in rows]
    for layer, row in zip(model.layers, rows, strict=True):
        assert isinstance(layer, getattr(keras.layers, row.kind))  # a sparse-input Dense too
        assert tuple(layer.output.shape[1:]) == row.output_shape
        assert layer.count_params() == row.params
    assert model.count_params() == summarize(config).total_params


def test_regularizers_apply_to_kernels_only():
    model = build_model(TrainingConfig(units=(8,), l1=(0.01,), l2=(0.02,)))
    dense = model.get_layer("dense_1")
    assert dense.kernel_regularizer is not None
    assert dense.bias_regularizer is None
    assert model.get_layer("output").kernel_regularizer is None


def test_batchnorm_before_activation_by_default():
    names = [
        layer.name for layer in build_model(TrainingConfig(units=(8,), batchnorm=(True,))).layers
    ]
    assert names.index("batch_norm_dense_1") < names.index("relu_dense_1")
    before = build_model(TrainingConfig(units=(8,), batchnorm=(True,))).get_layer("dense_1")
    assert before.activation.__name__ == "linear"
    after = build_model(TrainingConfig(units=(8,), batchnorm=(True,), batchnorm_position="after"))
    assert after.get_layer("dense_1").activation.__name__ == "relu"


def test_optimizers():
    for name, cls in (("adam", "Adam"), ("rmsprop", "RMSprop"), ("sgd", "SGD")):
        model = compile_model(
            build_model(TrainingConfig(units=(4,))),
            TrainingConfig(optimizer=name, learning_rate=0.01),
        )
        assert type(model.optimizer).__name__ == cls
        assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    sgd = compile_model(
        build_model(TrainingConfig(units=(4,))),
        TrainingConfig(optimizer="sgd", momentum=0.9, nesterov=True),
    )
    assert sgd.optimizer.momentum == pytest.approx(0.9) and sgd.optimizer.nesterov


def test_too_many_conv_blocks_for_small_images():
    assert shape_problem(TrainingConfig(architecture="cnn", conv_filters=(8, 8)))
    assert shape_problem(TrainingConfig(architecture="cnn", conv_filters=(8,))) is None
