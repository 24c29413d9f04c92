"""K-fold: folds, averages and the best epoch in pure NumPy; the real job in a worker."""

from dataclasses import replace

import numpy as np
import pytest

from core.figures.kfold import folds_figure
from core.jobs.contract import KFOLD_TASK, KFoldPayload
from core.lab.config import TrainingConfig
from core.lab.kfold import KFoldSettings, fold_average, fold_curves, fold_indices, kfold_problems


@pytest.mark.parametrize(("n", "k", "repeats"), [(100, 4, 1), (103, 5, 3), (10, 10, 2)])
def test_folds_are_disjoint_and_cover_the_reduced_set(n, k, repeats):
    folds = fold_indices(n, k, repeats, seed=7)
    assert len(folds) == k * repeats
    for repeat in range(repeats):
        mine = [f for f in folds if f.repeat == repeat]
        validated = np.concatenate([f.val for f in mine])
        assert sorted(validated) == list(range(n))  # each example validates exactly once
        for fold in mine:
            assert not set(fold.train) & set(fold.val)
            assert sorted(np.r_[fold.train, fold.val]) == list(range(n))
            assert abs(len(fold.val) - n / k) < 1


def test_first_repetition_uses_contiguous_slices_like_the_course_and_later_ones_reshuffle():
    folds = fold_indices(1000, 4, repeats=2, seed=0)
    assert list(folds[1].val) == list(range(250, 500))
    assert list(folds[1].train[:250]) == list(range(250))
    assert list(folds[4].val) != list(range(250))
    assert [list(f.val) for f in fold_indices(1000, 4, 2, seed=0)] == [list(f.val) for f in folds]


def _history(curves: dict[int, list[float]], train: dict[int, list[float]]) -> list[dict]:
    return [
        {
            "part": "fold",
            "repeat": 0,
            "fold": fold,
            "epoch": epoch + 1,
            "val_data_loss": value,
            "data_loss": train[fold][epoch],
            "val_accuracy": 1 - value,
            "accuracy": 1 - train[fold][epoch],
        }
        for fold, values in curves.items()
        for epoch, value in enumerate(values)
    ]


def test_average_and_std_equal_numpy_and_best_epoch_is_the_argmin():
    rng = np.random.default_rng(3)
    val = {f: list(rng.uniform(0.2, 1.0, 6)) for f in range(4)}
    train = {f: list(rng.uniform(0.0, 0.5, 6)) for f in range(4)}
    history = _history(val, train)
    average = fold_average(history, epochs=6)
    matrix = np.array([val[f] for f in range(4)])
    assert average.folds == 4
    np.testing.assert_allclose(average.mean["val_data_loss"], matrix.mean(axis=0))
    np.testing.assert_allclose(average.std["val_data_loss"], matrix.std(axis=0))
    np.testing.assert_allclose(average.mean["data_loss"], np.array(list(train.values())).mean(0))
    assert average.best_index == int(np.argmin(matrix.mean(axis=0)))
    assert average.retrain_epochs == average.best_index + 1


def test_a_fold_still_training_is_left_out_of_the_average():
    history = _history(
        {0: [0.5, 0.4, 0.3], 1: [0.6, 0.2, 0.4], 2: [0.9]}, {f: [0.1] * 3 for f in range(3)}
    )
    assert set(fold_curves(history, "val_data_loss")) == {(0, 0), (0, 1), (0, 2)}
    average = fold_average(history, epochs=3)
    assert average.folds == 2
    np.testing.assert_allclose(average.mean["val_data_loss"], [0.55, 0.3, 0.35])
    assert average.best_index == 1


def test_problems_name_bad_k_and_too_much_training():
    assert kfold_problems(KFoldSettings(), TrainingConfig()) == []
    assert any("Folds k" in m for m in kfold_problems(KFoldSettings(k=11), TrainingConfig()))
    heavy = kfold_problems(KFoldSettings(k=10, repeats=5), replace(TrainingConfig(), epochs=500))
    assert any("k × P × epochs" in m for m in heavy)
    assert KFoldSettings(k=5, repeats=3).models == 16


def test_the_kfold_job_trains_every_fold_then_retrains_for_best_epoch_plus_one(keras_pool):
    config = replace(TrainingConfig(), units=(32,), epochs=6, seed=1)
    settings = KFoldSettings(size=200, k=3)
    job_id = keras_pool.submit("kf", KFOLD_TASK, KFoldPayload(config, settings))
    job = keras_pool.wait("kf", job_id, timeout=300)
    assert job.status == "finished", job.reason
    folds = [h for h in job.history if h["part"] == "fold"]
    final = [h for h in job.history if h["part"] == "final"]
    assert len(folds) == 3 * 6
    average = fold_average(job.history, epochs=6)
    result = job.result
    assert result["best_index"] == average.best_index
    assert result["retrain_epochs"] == average.best_index + 1 == len(final)
    assert result["models_trained"] == 4
    assert result["sizes"]["reduced"] == 200 and result["sizes"]["validation per fold"] in (66, 67)
    assert 0.0 <= result["test"]["accuracy"] <= 1.0
    mean = result["folds_at_best"]["val_data_loss"]["mean"]
    assert mean == pytest.approx(average.mean["val_data_loss"][average.best_index])


def test_one_fold_claims_no_lowest_average():
    history = [
        {"part": "fold", "repeat": 0, "fold": 0, "epoch": e, "val_data_loss": v, "data_loss": v}
        | {"accuracy": 1 - v, "val_accuracy": 1 - v}
        for e, v in ((1, 0.9), (2, 0.5), (3, 0.7))
    ]
    one = fold_average(history, epochs=3)
    figure = folds_figure(history, one, "val_data_loss", 3)
    assert not any("lowest" in (a.text or "") for a in figure.layout.annotations)
    assert not any("average" in (t.name or "") for t in figure.data)


def test_stop_inside_the_fold_loop_ends_the_job_without_a_restart(keras_pool):
    from tests.test_jobs import wait_for

    restarts = keras_pool.status()["restarts"]
    config = replace(TrainingConfig(), units=(32,), epochs=300, seed=1)
    job_id = keras_pool.submit(
        "kf-stop", KFOLD_TASK, KFoldPayload(config, KFoldSettings(size=300, k=3))
    )
    assert wait_for(lambda: len(keras_pool.snapshot("kf-stop", job_id).history) >= 2, 120)
    keras_pool.stop("kf-stop", job_id)
    job = keras_pool.wait("kf-stop", job_id, 60)
    assert job.status == "stopped" and "learner" in job.reason, job.reason
    assert keras_pool.status()["restarts"] == restarts
