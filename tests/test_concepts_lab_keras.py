"""The Lab's worker side with TensorFlow: weight decay wiring, min_delta, weight histograms."""

import numpy as np
import pytest

from core.jobs.contract import TrainingPayload
from core.jobs.reporter import Reporter
from core.lab.config import TrainingConfig

pytestmark = pytest.mark.slow
keras = pytest.importorskip("keras")


class QuietReporter(Reporter):
    """Collects what a job would send to the server."""

    def __init__(self) -> None:
        super().__init__(0)
        self.sent: list[tuple[str, dict]] = []

    def send(self, kind, data):
        self.sent.append((kind, data))

    def progress(self, data, every=0.2):
        pass

    def should_stop(self):
        return False


def test_optimizers_get_the_weight_decay():
    from core.training.model_builder import make_optimizer

    for name in ("adam", "rmsprop", "sgd"):
        optimizer = make_optimizer(TrainingConfig(optimizer=name, weight_decay=0.004))
        assert optimizer.weight_decay == pytest.approx(0.004)
    assert make_optimizer(TrainingConfig()).weight_decay is None


def test_run_reports_weight_histograms_for_every_epoch_and_l1_piles_weights_at_zero():
    from core.training.callbacks import HISTOGRAM_BINS
    from core.training.lab_task import run_training

    config = TrainingConfig(units=(32,), epochs=4, l1=(0.01,), weight_decay=0.001,
                            early_stopping=True, es_min_delta=0.001, es_patience=10)  # fmt: skip
    result = run_training(TrainingPayload(config), QuietReporter())
    history = result["weight_history"]
    assert [h["layer"] for h in history] == [w["layer"] for w in result["weights"]]
    for layer in history:
        counts = np.asarray(layer["counts"])
        assert counts.shape == (result["epochs_run"] + 1, HISTOGRAM_BINS)
        assert len(set(counts.sum(axis=1))) == 1  # every epoch counts every weight
    first = np.asarray(history[0]["counts"])
    middle = HISTOGRAM_BINS // 2
    assert first[-1, middle] > first[0, middle]  # L1 gathers weights around zero


def test_early_stopping_restore_that_differs_from_the_marked_best_is_scored_on_its_own():
    from core.training.lab_task import run_training

    config = TrainingConfig(units=(32,), epochs=10, early_stopping=True, es_patience=2,
                            es_min_delta=10.0, es_restore_best=True)  # fmt: skip
    result = run_training(TrainingPayload(config), QuietReporter())
    assert result["epochs_run"] == 3  # min_delta 10: only epoch 1 counts, patience 2
    assert result["best_epoch"] == 3  # the lowest validation data loss
    assert result["final"] == "restored"
    assert result["test_restored"]["accuracy"] < result["test_best"]["accuracy"]


def test_lab_weights_tab_draws_distributions_over_epochs_and_the_stopping_caption():
    import json
    import time

    from tests.apptest_pages import open_page

    at = open_page("pages/training_lab.py", {"ep": "4", "l1": "0.01", "es": "1", "esd": "0.001"})
    at.button(key="tl_train").click().run()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not any("Finished" in s.value for s in at.success):
        time.sleep(0.5)
        at.run()
    assert any("Finished" in s.value for s in at.success), [e.value for e in at.error]
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    titles = [s["layout"].get("title", {}).get("text", "") for s in specs]
    history = specs[next(i for i, t in enumerate(titles) if "over epochs" in t)]
    heatmaps = [t for t in history["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 3 and len(heatmaps[0]["x"]) == 5  # epochs 0..4
    assert any("min_delta" in c.value for c in at.caption)


def test_an_imdb_runs_misclassified_reviews_carry_their_first_words(tmp_path, monkeypatch):
    from core.data import loading as data_loading
    from core.runs.schema import MAX_REVIEW
    from core.training.lab_task import run_training
    from tests.course_fixtures import write_course_data

    folder = write_course_data(tmp_path / "keras-datasets")
    monkeypatch.setenv("REGLAB_DATA_DIR", str(folder))
    data_loading._course_arrays.cache_clear()
    config = TrainingConfig(dataset="imdb", vocabulary=100, units=(4,), epochs=1, holdout="first")
    result = run_training(TrainingPayload(config, str(folder)), QuietReporter())
    data_loading._course_arrays.cache_clear()
    wrong = result["test_last"]["misclassified"]
    assert wrong and all(isinstance(w.get("text"), str) and w["text"] for w in wrong)
    assert all(len(w["text"]) <= MAX_REVIEW for w in wrong)
