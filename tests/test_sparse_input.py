"""IMDB's multi-hot rows reach the model as a sparse batch: same model, outputs and gradients."""

from __future__ import annotations

import numpy as np
import pytest

from core.lab.config import TrainingConfig
from tests.course_fixtures import write_course_data

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from core.data.loading import load_splits  # noqa: E402
from core.training.evaluation import Evaluator, model_input  # noqa: E402
from core.training.model_builder import SparseInputDense, build_model  # noqa: E402
from core.training.pipeline import train_dataset  # noqa: E402
from tests.recorder import Recorder  # noqa: E402

pytestmark = pytest.mark.slow  # trains Keras models in this process

CONFIG = TrainingConfig(
    dataset="imdb",
    vocabulary=1000,
    units=(16, 16),
    l1=(1e-4, 0.0),
    l2=(2e-3, 1e-3),
    dropout=(0.5, 0.0),
    batchnorm=(True, False),
    optimizer="rmsprop",
    batch_size=64,
    epochs=2,
    val_fraction=0.25,
)


@pytest.fixture
def splits(tmp_path):
    return load_splits(CONFIG, data_dir=str(write_course_data(tmp_path, n_train=200, n_test=40)))


def twins():
    keras.utils.set_random_seed(3)
    dense = build_model(CONFIG, sparse=False)
    sparse = build_model(CONFIG, sparse=True)
    rng = np.random.default_rng(3)  # biases and batch-norm statistics away from their defaults
    weights = [w + rng.uniform(0, 0.1, w.shape).astype("float32") for w in dense.get_weights()]
    dense.set_weights(weights)
    sparse.set_weights(weights)
    return dense, sparse


def loss_and_gradients(model, x, y):
    with tf.GradientTape() as tape:
        probabilities = model(x, training=False)
        loss = keras.losses.binary_crossentropy(y[:, None], probabilities)
        loss = tf.reduce_mean(loss) + tf.add_n(model.losses)
    return probabilities.numpy(), float(loss), tape.gradient(loss, model.trainable_weights)


def test_the_sparse_model_is_the_same_model(splits):
    dense, sparse = twins()
    assert isinstance(sparse.layers[0], SparseInputDense)
    assert not isinstance(dense.layers[0], SparseInputDense)
    expected = 1000 * 16 + 16 + 4 * 16 + 16 * 16 + 16 + 17  # dense, batch norm, dense, output
    assert sparse.count_params() == dense.count_params() == expected
    assert [w.shape for w in sparse.weights] == [w.shape for w in dense.weights]
    assert [layer.name for layer in sparse.layers] == [layer.name for layer in dense.layers]
    penalties = [float(loss) for loss in sparse.losses]
    assert len(penalties) == 2 and penalties == pytest.approx([float(v) for v in dense.losses])


def test_sparse_and_dense_give_the_same_outputs_and_gradients(splits):
    dense, sparse = twins()
    x, y = splits.x_train[:64], splits.y_train[:64].astype("float32")
    as_sparse = model_input(x)
    assert isinstance(as_sparse, tf.SparseTensor)
    np.testing.assert_array_equal(tf.sparse.to_dense(as_sparse).numpy(), np.asarray(x))
    p_dense, loss_dense, g_dense = loss_and_gradients(dense, np.asarray(x), y)
    p_sparse, loss_sparse, g_sparse = loss_and_gradients(sparse, as_sparse, y)
    np.testing.assert_allclose(p_sparse, p_dense, atol=1e-5)
    assert loss_sparse == pytest.approx(loss_dense, abs=1e-5)
    assert len(g_sparse) == len(g_dense) == len(dense.trainable_weights)
    for a, b in zip(g_sparse, g_dense, strict=True):
        np.testing.assert_allclose(tf.convert_to_tensor(a).numpy(), b.numpy(), atol=1e-5)


def test_training_batches_are_the_same_sparse_or_dense_and_reshuffled(splits):
    x, y = splits.x_train, splits.y_train
    sparse, sparse_epoch = train_dataset(x, y, 64, seed=5, sparse=True)
    dense, dense_epoch = train_dataset(x, y, 64, seed=5, sparse=False)
    epochs = []
    for number in range(2):  # Keras iterates the dataset afresh every epoch
        sparse_epoch.assign(number)  # as EpochNumber does when the epoch begins
        dense_epoch.assign(number)
        seen = []
        for (features, labels), (dense_features, dense_labels) in zip(sparse, dense, strict=True):
            assert isinstance(features, tf.SparseTensor)
            np.testing.assert_array_equal(tf.sparse.to_dense(features), dense_features)
            np.testing.assert_array_equal(labels, dense_labels)
            seen.append(tf.sparse.to_dense(features).numpy())
        epochs.append(np.concatenate(seen))
    assert [len(e) for e in epochs] == [len(y), len(y)]  # one pass, the last batch smaller
    rows = {tuple(np.flatnonzero(r)) for r in np.asarray(x)}
    assert {tuple(np.flatnonzero(r)) for r in epochs[0]} == rows  # every review, once
    assert not np.array_equal(epochs[0], epochs[1])  # a new order each epoch
    stream, _ = train_dataset(x, y, 64, seed=5, sparse=True, repeat=True)
    steps = len(epochs[0]) // 64 + 1
    streamed = [tf.sparse.to_dense(f).numpy() for f, _ in stream.take(2 * steps)]
    np.testing.assert_array_equal(np.concatenate(streamed), np.concatenate(epochs))


def test_evaluation_is_the_same_sparse_or_dense(splits):
    dense, sparse = twins()
    one = Evaluator(dense, binary=True).evaluate(splits.x_val, splits.y_val)
    other = Evaluator(sparse, binary=True).evaluate(splits.x_val, splits.y_val)
    assert other["data_loss"] == pytest.approx(one["data_loss"], abs=1e-5)
    assert other["loss"] == pytest.approx(one["loss"], abs=1e-5)
    assert other["accuracy"] == one["accuracy"]


def test_training_curves_match_sparse_or_dense(splits, monkeypatch):
    from core.training import fit as training

    curves = {}
    for sparse in (True, False):
        monkeypatch.setattr(training, "sparse_input", lambda config, sparse=sparse: sparse)
        recorder = Recorder()
        model, _ = training.fit_model(CONFIG, splits, recorder, boundary=False)
        assert isinstance(model.layers[0], SparseInputDense) == sparse
        curves[sparse] = [(e["loss"], e["val_loss"], e["val_accuracy"]) for e in recorder.epochs]
    assert len(curves[True]) == CONFIG.epochs
    np.testing.assert_allclose(curves[True], curves[False], atol=2e-4)


def test_only_narrow_first_layers_read_sparse_batches():
    from dataclasses import replace

    from core.lab.model_summary import sparse_input
    from core.lab.presets import IMDB, MNIST_CNN

    assert sparse_input(IMDB)  # 16-16: the sparse product is ~2× faster
    assert not sparse_input(replace(IMDB, units=(512, 512)))  # one dense product is faster
    assert not sparse_input(MNIST_CNN) and not sparse_input(TrainingConfig())
    wide = build_model(replace(CONFIG, units=(512, 16)))
    assert not isinstance(wide.layers[0], SparseInputDense)
