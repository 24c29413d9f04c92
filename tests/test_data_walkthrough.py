"""The Course data page: the notebook's view of IMDB and MNIST on small generated files, and
split maps drawn from the very index functions the jobs use."""

import numpy as np
import pytest

from core.data import course_data
from core.data.loading import holdout_indices, load_splits
from core.data.walkthrough import (
    TRAIN,
    VALIDATION,
    DataView,
    holdout_roles,
    images_walkthrough,
    imdb_walkthrough,
    kfold_roles,
)
from core.lab.config import TrainingConfig
from core.lab.kfold import fold_indices
from tests.apptest_pages import open_page
from tests.course_fixtures import write_course_data


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = write_course_data(tmp_path / "keras-datasets")
    monkeypatch.setenv("REGLAB_DATA_DIR", str(folder))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty-keras-home"))
    return folder


def test_imdb_walkthrough_matches_keras_processing(data_dir):
    shown = imdb_walkthrough(10_000, 0, str(data_dir))
    raw = course_data.load_npz(data_dir / "imdb.npz")
    order = np.arange(240)
    np.random.RandomState(113).shuffle(order)  # Keras' own shuffle of the training reviews
    assert shown["ids"] == [1] + [w + 3 for w in raw["x_train"][order[0]]]
    assert shown["ones"] == sorted(set(shown["ids"]))  # the multi-hot vector's ones
    assert shown["shapes"]["x_train (multi-hot)"] == [240, 10_000]
    lengths = [len(raw["x_train"][i]) for i in order]
    assert shown["shortest"]["index"] == int(np.argmin(lengths))
    assert shown["text"].split()[0] == "?" and shown["top_words"][0] == "the"


def test_images_walkthrough(data_dir):
    shown = images_walkthrough("mnist", 7, str(data_dir))
    assert shown["shapes"] == {"x_train": [240, 28, 28], "x_test": [60, 28, 28]}
    assert np.asarray(shown["image"]).shape == (28, 28) and shown["label"] == 7


@pytest.mark.parametrize("mode", ["first", "last", "random"])
def test_holdout_map_is_the_jobs_split(mode):
    roles = holdout_roles(1000, 0.3, mode, 5)
    _, validation = holdout_indices(1000, 0.3, mode, 5)
    assert set(np.flatnonzero(roles == VALIDATION)) == set(validation)
    assert (roles == TRAIN).sum() == 700


def test_holdout_map_agrees_with_the_splits_a_job_trains_on(data_dir):
    config = TrainingConfig(dataset="mnist", val_fraction=0.25, holdout="last")
    splits = load_splits(config)
    roles = holdout_roles(240, 0.25, "last", config.seed)
    assert (roles == VALIDATION).sum() == splits.sizes()["validation"]
    assert roles[-1] == VALIDATION and roles[0] == TRAIN  # Keras' validation_split: the end


def test_kfold_map_is_the_jobs_folds():
    roles = kfold_roles(103, 4, 2, 9)
    folds = fold_indices(103, 4, 2, 9)
    for row, fold in zip(roles, folds, strict=True):
        assert set(np.flatnonzero(row == VALIDATION)) == set(fold.val)
    assert (roles[:4] == VALIDATION).sum(axis=0).tolist() == [1] * 103  # each once per rep


def test_course_data_page_renders_imdb_mnist_and_splits(data_dir):
    at = open_page("pages/course_data.py", {"idx": "0"})
    assert not at.exception
    assert any("Word ids" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 2  # the holdout and K-fold maps
    at.selectbox(key="cd_dataset").set_value("mnist").run()
    assert not at.exception and len(at.get("plotly_chart")) == 3  # the image too
    assert at.query_params["cds"] == "mnist"
    assert DataView().dataset == "imdb"
