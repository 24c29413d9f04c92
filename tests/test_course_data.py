"""Course dataset loaders on tiny files in the real formats; never the network."""

import numpy as np
import pytest

from core.data import course_data
from core.data import loading as data_loading
from core.data.loading import holdout_indices, load_splits
from core.lab.config import TrainingConfig
from tests.course_fixtures import WORDS, write_course_data


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = write_course_data(tmp_path / "keras-datasets")
    monkeypatch.setenv("REGLAB_DATA_DIR", str(folder))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty-keras-home"))
    data_loading._course_arrays.cache_clear()
    yield folder
    data_loading._course_arrays.cache_clear()


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_image_sets_load_with_shapes_dtypes_and_labels(data_dir, name):
    x_train, y_train, x_test, _y_test = course_data.load_raw(name)
    assert x_train.shape == (240, 28, 28) and x_test.shape == (60, 28, 28)
    assert x_train.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10))
    splits = load_splits(TrainingConfig(dataset=name, val_fraction=0.25, holdout="last"))
    assert splits.x_train.shape == (180, 28, 28, 1) and splits.x_train.nbytes == 180 * 28 * 28
    dense = np.asarray(splits.x_train)  # kept as uint8, read as float32 in [0, 1]
    assert dense.dtype == np.float32 and dense.min() >= 0.0 and dense.max() <= 1.0
    assert splits.sizes() == {"train": 180, "validation": 60, "test": 60}


def test_imdb_follows_keras_processing_and_decodes(data_dir):
    raw = course_data.load_npz(data_dir / "imdb.npz")
    x_train, y_train, _, _ = course_data.load_raw("imdb", 10_000)
    order = np.arange(240)
    np.random.RandomState(113).shuffle(order)
    assert x_train[0] == [1] + [w + 3 for w in raw["x_train"][order[0]]]
    assert y_train[0] == raw["y_train"][order[0]]
    ranks = course_data.word_index()
    decoded = course_data.decode_review(x_train[0], ranks).split()
    assert decoded[0] == "?" and set(decoded[1:]) <= set(WORDS)
    assert sorted(decoded[1:]) == sorted(WORDS[w - 1] for w in raw["x_train"][order[0]])


def test_imdb_vocabulary_cut_uses_the_oov_char(data_dir):
    x_train, *_ = course_data.load_raw("imdb", 8)
    assert max(max(s) for s in x_train) <= 7
    assert any(2 in s for s in x_train)


def test_imdb_multi_hot_splits(data_dir):
    config = TrainingConfig(dataset="imdb", vocabulary=100, val_fraction=0.5, holdout="first")
    splits = load_splits(config)
    assert splits.x_train.shape == (120, 100)
    dense = np.asarray(splits.x_train)
    assert set(np.unique(dense)) == {0, 1}
    expected = course_data.multi_hot(course_data.load_raw("imdb", 100)[0], 100)[120:]
    np.testing.assert_array_equal(dense, expected)  # compact rows read as the course's vectors
    assert splits.x_train.nbytes < expected.nbytes / 2
    assert set(np.unique(splits.y_train)) == {0, 1}


def test_restricted_unpickler_refuses_code(tmp_path):
    import pickle

    evil = np.empty(1, dtype=object)
    evil[0] = print  # a global outside numpy's reconstruction set
    np.savez(tmp_path / "evil.npz", x=evil)
    with pytest.raises(pickle.UnpicklingError):
        course_data.load_npz(tmp_path / "evil.npz")


def test_missing_data_and_no_network_give_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("REGLAB_DATA_DIR", str(tmp_path / "nothing"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "nothing-either"))

    def offline(name):
        raise OSError("network unreachable")

    with pytest.raises(course_data.DatasetUnavailable) as caught:
        course_data.load_raw("mnist", download=offline)
    message = str(caught.value)
    assert "MNIST is not available" in message and "REGLAB_DATA_DIR" in message
    assert "network unreachable" in message and "embedded datasets still work" in message


def test_holdout_parts():
    train, val = holdout_indices(10, 0.3, "first", 0)
    assert list(val) == [0, 1, 2] and list(train) == list(range(3, 10))
    train, val = holdout_indices(10, 0.3, "last", 0)
    assert list(val) == [7, 8, 9]
    train, val = holdout_indices(10, 0.3, "random", 0)
    assert sorted([*train, *val]) == list(range(10)) and len(val) == 3


def test_review_openings_decode_the_test_reviews_first_words(data_dir):
    from core.data.walkthrough import review_openings

    _, _, x_test, _ = course_data.load_raw("imdb", 10_000)
    ranks = course_data.word_index()
    openings = review_openings([0, 3, 10**6], 10_000)
    assert set(openings) == {0, 3}  # an index past the test set is left out
    assert openings[0].split()[0] == ranks[x_test[0][1] - course_data.INDEX_FROM]
    assert len(openings[3].split()) == len(x_test[3]) - 1  # every word, the start mark dropped
