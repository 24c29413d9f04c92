"""The task contract: typed payloads, and result views that round-trip their wire dicts."""

import json
import pickle
from pathlib import Path

from core.jobs.contract import (
    KFOLD_TASK,
    SEARCH_TASK,
    TRAINING_TASK,
    FoldScore,
    KFoldPayload,
    KFoldResult,
    SearchPayload,
    TestScores,
    TrainingPayload,
    TrainingResult,
    kfold_result,
    training_result,
)
from core.lab.config import TrainingConfig
from core.lab.kfold import KFoldSettings
from core.lab.search import SearchSpace

ROOT = Path(__file__).resolve().parents[1]
SCORES = {"accuracy": 0.9, "data_loss": 0.3, "loss": 0.31, "confusion": [[1, 0], [0, 1]]}


def test_payloads_name_their_task_and_pickle():
    config = TrainingConfig(epochs=3)
    payloads = [
        TrainingPayload(config),
        KFoldPayload(config, KFoldSettings()),
        SearchPayload(SearchSpace()),
    ]
    assert [p.task for p in payloads] == [TRAINING_TASK, KFOLD_TASK, SEARCH_TASK]
    assert [pickle.loads(pickle.dumps(p)) for p in payloads] == payloads


def test_task_paths_resolve_to_the_task_functions():
    for path in (TRAINING_TASK, KFOLD_TASK, SEARCH_TASK):
        module, _, name = path.partition(":")
        source = (ROOT / (module.replace(".", "/") + ".py")).read_text()
        assert f"def {name}(payload" in source, path


def test_training_result_round_trips_and_reads_by_attribute():
    wire = {
        "test_last": SCORES,
        "test_best": {**SCORES, "accuracy": 0.95},
        "best_epoch": 4,
        "epochs_run": 6,
        "final": "best",
        "sizes": {"train": 10, "validation": 2, "test": 3},
        "unknown_later_key": 1,
    }
    view = training_result(wire)
    assert isinstance(view.test_best, TestScores) and view.test_best.accuracy == 0.95
    assert view.final_scores is view.test_best and view.test_restored is None
    again = view.to_dict()
    assert "unknown_later_key" not in again and "test_restored" not in again
    assert json.loads(json.dumps(again)) == again  # plain data, all the way down
    assert TrainingResult.from_dict(again) == view
    assert training_result(None) is None and training_result({"trials": []}) is None


def test_a_result_without_a_best_checkpoint_reads_the_last():
    view = training_result({"test_last": SCORES, "best_epoch": 0, "epochs_run": 1})
    assert view.test_best == view.test_last and view.final_scores == view.test_last


def test_kfold_result_nests_fold_scores_and_its_wire_dict_is_plain():
    view = KFoldResult(
        best_index=2,
        retrain_epochs=3,
        test={"accuracy": 0.8},
        folds_at_best={"val_data_loss": FoldScore(0.4, 0.05)},
        models_trained=4,
        sizes={"reduced": 100},
    )
    wire = view.to_dict()
    assert wire["folds_at_best"] == {"val_data_loss": {"mean": 0.4, "std": 0.05}}
    assert json.loads(json.dumps(wire)) == wire
    assert kfold_result(wire) == view and kfold_result({}) is None
