"""The training input pipeline: shuffled epochs read from compact storage, the same for any cut."""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

from core.data.features import MultiHot, ScaledImages


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


def _fixed_prefetch() -> tf.data.Options:
    """No tf.data autotuning: its background thread took a core's share from training (MNIST
    MLP epochs 1.2-1.3× longer with it, alone), and with several runs open in one worker,
    taking turns, each pipeline's tuner ran at once (8 digits runs 2× longer). Two batches
    read ahead are enough: an epoch's reading is a gather of rows, far quicker than a step."""
    options = tf.data.Options()
    options.autotune.enabled = False
    return options


FIXED_PREFETCH = _fixed_prefetch()


def train_dataset(
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
    return data.prefetch(2).with_options(FIXED_PREFETCH), number


class EpochNumber(keras.callbacks.Callback):
    """Tells the training data which epoch begins (see train_dataset)."""

    def __init__(self, number: tf.Variable) -> None:
        super().__init__()
        self.number = number

    def on_epoch_begin(self, epoch, logs=None):
        self.number.assign(epoch)
