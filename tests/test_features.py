"""Compact feature arrays read exactly like the dense arrays they replace."""

import numpy as np

from core.data.course_data import multi_hot
from core.data.features import MultiHot, ScaledImages


def test_multi_hot_rows_index_like_a_dense_matrix():
    rng = np.random.default_rng(0)
    sequences = [list(rng.integers(0, 60, rng.integers(0, 30))) for _ in range(40)]
    compact, dense = (
        MultiHot.from_sequences(sequences, 50),
        multi_hot([[w for w in s if w < 50] for s in sequences], 50),
    )
    np.testing.assert_array_equal(np.asarray(compact), dense)
    picks = np.array([5, 0, 39, 5, 17])
    np.testing.assert_array_equal(np.asarray(compact[picks]), dense[picks])
    np.testing.assert_array_equal(np.asarray(compact[10:20]), dense[10:20])
    np.testing.assert_array_equal(np.asarray(compact[10:20][::3]), dense[10:20][::3])
    assert len(compact[:0]) == 0 and compact.shape == (40, 50)


def test_multi_hot_coordinates_are_a_sparse_tensors_indices():
    rows = MultiHot.from_sequences([[3, 1], [], [0, 2, 2], [4]], 5)
    np.testing.assert_array_equal(rows.coordinates(), [[0, 1], [0, 3], [2, 0], [2, 2], [3, 4]])
    batched = rows.coordinates(rows_per_batch=2)  # rows count from 0 in each batch of 2
    np.testing.assert_array_equal(batched, [[0, 1], [0, 3], [0, 0], [0, 2], [1, 4]])


def test_scaled_images_read_in_unit_range():
    raw = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3, 1) * 10
    images = ScaledImages(raw)
    np.testing.assert_allclose(np.asarray(images[1:]), raw[1:] / 255, rtol=1e-6)
    assert images.nbytes == raw.nbytes and images[[0]].shape == (1, 3, 3, 1)
