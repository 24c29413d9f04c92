"""The time estimate: the course's MNIST CNN is ~25 minutes on 2 cores; small runs say nothing."""

from core.lab.config import TrainingConfig
from core.lab.estimate import estimate_seconds, estimate_text, measured_speed, training_samples

MNIST_CNN = TrainingConfig(
    dataset="mnist", architecture="cnn", units=(64,), epochs=10, val_fraction=1 / 6
)


def test_full_mnist_cnn_is_about_25_minutes_on_two_cores():
    assert training_samples(MNIST_CNN) == 50_000
    assert 20 * 60 <= estimate_seconds(MNIST_CNN) <= 30 * 60
    assert "minutes" in estimate_text(MNIST_CNN)


def test_a_small_run_gets_no_warning():
    assert estimate_text(TrainingConfig()) is None


def test_a_faster_measured_server_shortens_the_estimate():
    # this server trained the CNN's epochs in 60 s: the estimate follows it
    speed = measured_speed([(MNIST_CNN, 50_000, [60.0, 60.0])])
    assert 9 * 60 <= estimate_seconds(MNIST_CNN, speed) <= 11 * 60
    assert "measured" in estimate_text(MNIST_CNN, speed)


def test_the_lab_warns_before_a_long_run():
    from tests.apptest_pages import open_page

    at = open_page("pages/training_lab.py", {"ds": "mnist", "arch": "cnn", "units": "64"})
    assert any("minutes" in i.value for i in at.info)
