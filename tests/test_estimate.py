"""The time estimate: the course's MNIST CNN takes ~5 minutes on 2 cores (279 s measured);
small runs say nothing; a slower server's measured epochs scale it."""

from core.lab.config import TrainingConfig
from core.lab.estimate import (
    epoch_seconds,
    estimate_seconds,
    estimate_text,
    measured_scale,
    training_samples,
)

MNIST_CNN = TrainingConfig(
    dataset="mnist", architecture="cnn", units=(64,), epochs=10, val_fraction=1 / 6
)


def test_full_mnist_cnn_is_about_5_minutes_on_two_cores():
    assert training_samples(MNIST_CNN) == 50_000
    assert 4 * 60 <= estimate_seconds(MNIST_CNN) <= 7 * 60
    assert "minutes" in estimate_text(MNIST_CNN)


def test_a_small_run_gets_no_warning_and_a_long_tiny_one_is_seconds_not_minutes():
    assert estimate_text(TrainingConfig()) is None
    moons = TrainingConfig(dataset="moons", epochs=500)  # was "about 3 minutes"; ran ~7 s
    assert estimate_seconds(moons) < 20 and estimate_text(moons) is None


def test_the_subset_is_taken_of_the_training_part():
    assert training_samples(TrainingConfig(train_subset=300)) == 300  # 1,150 after holdouts
    imdb = TrainingConfig(dataset="imdb", train_subset=3000, val_fraction=0.4)
    assert training_samples(imdb) == 3000


def test_a_slower_measured_server_lengthens_the_estimate():
    # this server's workers ran the CNN's epochs twice as slowly as the model says
    per_epoch = epoch_seconds(MNIST_CNN)
    scale = measured_scale([(MNIST_CNN, 50_000, [99.0, 2 * per_epoch, 2 * per_epoch])])
    assert scale == 2.0
    assert estimate_seconds(MNIST_CNN, scale) > 1.9 * estimate_seconds(MNIST_CNN) - 5
    assert "measured" in estimate_text(MNIST_CNN, scale)
    assert measured_scale([(MNIST_CNN, 50_000, [5.0, 5.0])]) is None  # too few epochs


def test_the_lab_warns_before_a_long_run():
    from tests.apptest_pages import open_page

    at = open_page("pages/training_lab.py", {"units": "512,512,512", "ep": "500", "bs": "8"})
    assert any("minutes" in i.value for i in at.info)
    missing = open_page("pages/training_lab.py", {"ds": "mnist", "arch": "cnn", "units": "64"})
    assert not any("will take" in i.value for i in missing.info)  # no data: it cannot start
