"""Concept mechanisms against Keras itself (imports TensorFlow, so marked slow)."""

import numpy as np
import pytest

from core.concepts import batchnorm as bn

pytestmark = pytest.mark.slow
keras = pytest.importorskip("keras")


def test_numpy_batchnorm_equals_keras_in_training_and_inference():
    config = bn.BatchNormConfig(batch_size=32, momentum=0.9, batches=5, gamma=1.7, beta=-0.4)
    layer = keras.layers.BatchNormalization(momentum=config.momentum, epsilon=bn.EPSILON)
    layer.build((None, bn.N_UNITS))
    layer.gamma.assign(np.full(bn.N_UNITS, config.gamma, "float32"))
    layer.beta.assign(np.full(bn.N_UNITS, config.beta, "float32"))
    for index in range(config.batches):
        z = bn.pre_activations(config, index)
        ours = bn.batch_norm_train(z, config.gamma, config.beta)
        theirs = np.asarray(layer(z.astype("float32"), training=True))
        np.testing.assert_allclose(theirs, ours, atol=1e-4)
    running = bn.running_averages(config)
    np.testing.assert_allclose(np.asarray(layer.moving_mean), running["mean"][-1], rtol=1e-5)
    np.testing.assert_allclose(np.asarray(layer.moving_variance), running["var"][-1], rtol=1e-5)
    z = bn.pre_activations(config, 99)
    ours = bn.batch_norm_eval(z, config.gamma, config.beta, running["mean"][-1], running["var"][-1])
    np.testing.assert_allclose(np.asarray(layer(z.astype("float32"), training=False)), ours,
                               atol=1e-4)  # fmt: skip


def _train(optimizer, l2: float, steps: int = 5) -> np.ndarray:
    """A bias-free Dense(3) layer trained on one fixed batch; returns its final kernel."""
    keras.utils.set_random_seed(0)
    regularizer = keras.regularizers.L2(l2) if l2 else None
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, use_bias=False, kernel_regularizer=regularizer)]
    )
    model.layers[0].kernel.assign(np.arange(12, dtype="float32").reshape(4, 3) / 10 - 0.5)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 4)).astype("float32"), rng.normal(size=(16, 3)).astype("float32")
    model.compile(optimizer=optimizer, loss="mse")
    for _ in range(steps):
        model.train_on_batch(x, y)
    return np.asarray(model.layers[0].kernel)


def test_sgd_weight_decay_equals_a_kernel_l2_term_with_twice_the_lambda():
    l2 = 0.05
    with_term = _train(keras.optimizers.SGD(0.1), l2=l2)
    with_decay = _train(keras.optimizers.SGD(0.1, weight_decay=2 * l2), l2=0.0)
    plain = _train(keras.optimizers.SGD(0.1), l2=0.0)
    np.testing.assert_allclose(with_decay, with_term, atol=1e-6)
    assert np.abs(plain - with_term).max() > 1e-3  # the penalty did something


def test_adam_weight_decay_differs_from_a_kernel_l2_term():
    l2 = 0.05
    with_term = _train(keras.optimizers.Adam(0.1), l2=l2, steps=20)
    with_decay = _train(keras.optimizers.Adam(0.1, weight_decay=2 * l2), l2=0.0, steps=20)
    adamw = _train(keras.optimizers.AdamW(0.1, weight_decay=2 * l2), l2=0.0, steps=20)
    np.testing.assert_allclose(adamw, with_decay, atol=1e-6)  # AdamW = Adam + weight_decay
    assert np.abs(with_decay - with_term).max() > 1e-2


@pytest.mark.parametrize("method", ["sgd_wd", "adam_l2", "adamw"])
def test_numpy_update_rules_follow_keras_optimizers(method):
    from core.concepts import weight_decay as wd

    config = wd.DecayConfig(decay=0.2, learning_rate=0.05, steps=40)
    decay = config.decay if method in ("sgd_wd", "adamw") else None
    make = keras.optimizers.SGD if method == "sgd_wd" else keras.optimizers.Adam
    optimizer = make(config.learning_rate, weight_decay=decay)
    w = keras.Variable(wd.START.astype("float32"))
    for _ in range(config.steps):
        current = np.asarray(w, dtype=float)
        g = wd.gradient(current) + (config.decay * current if method == "adam_l2" else 0)
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g.astype("float32")), w)])
    np.testing.assert_allclose(np.asarray(w), wd.trajectory(method, config)[-1], atol=1e-4)
