"""Search: trials ↔ Training Lab configs, records ↔ studies, and real seeded studies in workers."""

import time
from dataclasses import replace

import optuna
import plotly.graph_objects as go

from core.figures.search import optuna_figures
from core.jobs.contract import SEARCH_TASK, SearchPayload
from core.lab.config import TrainingConfig
from core.lab.search import (
    SearchSpace,
    best_record,
    config_for_params,
    grid_size,
    grid_space,
    make_study,
    search_problems,
    study_from_records,
    suggest_config,
    tell,
    trial_record,
)

TINY = SearchSpace(
    train_subset=300,
    layers_min=1,
    layers_max=2,
    units_min=8,
    units_max=32,
    dropout_max=0.0,
    l2_max=0.0,
    optimizers=("adam", "sgd"),
    batch_sizes=("32",),
    epochs_min=2,
    epochs_max=3,
    trials=4,
    pruning=False,
    seed=5,
)

GOOD = {"layers": 1, "units": 32, "learning_rate": 0.01, "optimizer": "adam", "batch_size": "32"}


def test_best_params_round_trip_into_a_training_lab_url():
    params = {**GOOD, "units": 24, "dropout": 0.25, "l2": 0.0031, "epochs": 12, "layers": 3}
    config = config_for_params(params, SearchSpace())
    assert config.units == (24, 24, 24) and config.dropout == (0.25,) and config.l2 == (0.0031,)
    assert (config.optimizer, config.batch_size, config.epochs) == ("adam", 32, 12)
    back, notices = TrainingConfig.from_query(config.to_query())
    assert notices == [] and back == config


def test_a_trial_and_a_fixed_trial_with_its_params_give_the_same_config():
    study = make_study(SearchSpace(seed=1))
    trial = study.ask()
    config = suggest_config(trial, SearchSpace(seed=1))
    assert config_for_params(trial.params, SearchSpace(seed=1)) == config
    assert config.seed == 1 and config.dataset == "digits"


def test_problems_are_sentences_for_swapped_ranges_empty_choices_and_caps():
    assert search_problems(SearchSpace()) == []
    swapped = search_problems(replace(SearchSpace(), units_min=300, units_max=10))
    assert swapped == ["The smallest units is above the largest; swap them."]
    empty = search_problems(replace(SearchSpace(), optimizers=(), batch_sizes=()))
    assert len(empty) == 2
    assert any("capped" in m for m in search_problems(replace(SearchSpace(), trials=101)))
    huge = search_problems(replace(SearchSpace(), units_max=4096, layers_max=6))
    assert any("parameters" in m for m in huge)


def test_records_rebuild_the_study_and_optunas_figures():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    space = replace(SearchSpace(), dropout_max=0.5)
    for value in (0.9, 0.4, 0.6):
        trial = study.ask()
        suggest_config(trial, space)
        trial.report(value + 0.1, 1)
        study.tell(trial, value)
    records = [trial_record(t) for t in study.trials]
    copy = study_from_records(records)
    assert copy.best_trial.params == study.best_trial.params
    assert best_record(records)["number"] == 1
    figures = optuna_figures(records)
    assert all(isinstance(f, go.Figure) for f in figures.values())
    assert isinstance(optuna_figures(records[:1])["Parameter importances"], str)
    assert all(isinstance(f, str) for f in optuna_figures([]).values())


def test_a_seeded_study_finds_the_same_best_params_twice(keras_pool):
    first = keras_pool.submit("s1", SEARCH_TASK, SearchPayload(TINY))
    second = keras_pool.submit("s2", SEARCH_TASK, SearchPayload(TINY))
    jobs = [keras_pool.wait(o, i, timeout=300) for o, i in (("s1", first), ("s2", second))]
    assert [j.status for j in jobs] == ["finished", "finished"], [j.reason for j in jobs]
    bests = [j.result["best"] for j in jobs]
    assert bests[0]["params"] == bests[1]["params"]
    assert bests[0]["value"] == bests[1]["value"]
    assert len(jobs[0].result["trials"]) == 4
    assert {h["trial"] for h in jobs[0].history} == {0, 1, 2, 3}


def test_median_pruning_prunes_a_trial_built_to_be_bad(keras_pool):
    space = replace(TINY, epochs_min=6, epochs_max=6, trials=3, pruning=True, train_subset=0)
    bad = {**GOOD, "learning_rate": 1e-6, "optimizer": "sgd"}
    payload = SearchPayload(space, enqueue=(GOOD, {**GOOD, "units": 16}, bad))
    job_id = keras_pool.submit("prune", SEARCH_TASK, payload)
    job = keras_pool.wait("prune", job_id, timeout=300)
    assert job.status == "finished", job.reason
    states = [t["state"] for t in job.result["trials"]]
    assert states == ["COMPLETE", "COMPLETE", "PRUNED"]
    pruned = job.result["trials"][2]
    assert pruned["params"]["learning_rate"] == 1e-6
    assert pruned["attrs"]["epochs_run"] < 6 and "pruned after epoch" in pruned["attrs"]["note"]


def test_stop_ends_the_study_after_the_current_trial_and_keeps_its_trials(keras_pool):
    space = replace(TINY, trials=50, epochs_min=3, epochs_max=3)
    job_id = keras_pool.submit("stop", SEARCH_TASK, SearchPayload(space), stop_grace=120)
    deadline = time.monotonic() + 120
    while not (keras_pool.snapshot("stop", job_id).history) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert keras_pool.stop("stop", job_id)
    job = keras_pool.wait("stop", job_id, timeout=120)
    assert job.status == "stopped" and "after the current trial" in job.reason
    trials = job.result["trials"]
    assert 1 <= len(trials) < 50
    assert all(t["state"] in ("COMPLETE", "PRUNED") for t in trials)
    epochs = [h for h in job.history if h["trial"] == trials[-1]["number"]]
    assert len(epochs) == 3  # the trial in progress was finished, not cut


def test_units_per_layer_make_a_funnel_possible():
    space = replace(TINY, per_layer_units=True, layers_min=2, layers_max=2, units_max=256)
    params = {"layers": 2, "units_1": 128, "units_2": 64, "learning_rate": 0.01}
    params.update(optimizer="adam", batch_size="32", epochs=TINY.epochs_min)
    if TINY.dropout_max:
        params["dropout"] = 0.1
    if TINY.l2_max:
        params["l2"] = 1e-4
    assert config_for_params(params, space).units == (128, 64)


def test_grid_search_walks_every_combination_once():
    space = replace(TINY, sampler="grid", layers_min=1, layers_max=2, optimizers=("adam",))
    grid = grid_space(space)
    assert grid["layers"] == [1, 2] and len(grid["units"]) <= 3
    study = make_study(space)
    seen = set()
    for _ in range(grid_size(space)):
        trial = study.ask()
        config = suggest_config(trial, space)
        seen.add((config.units, config.learning_rate, config.epochs))
        tell(study, trial, 1.0)  # the last one: GridSampler stops the study
    assert len(seen) == grid_size(space) // (
        len(grid.get("dropout", [0])) * len(grid.get("l2", [0])) * len(grid["batch_size"])
    )
    problems = search_problems(replace(space, per_layer_units=True))
    assert any("one unit count" in p for p in problems)


def test_accuracy_objective_maximizes():
    space = replace(TINY, objective="val_accuracy")
    assert make_study(space).direction == optuna.study.StudyDirection.MAXIMIZE
    records = [
        {"state": "COMPLETE", "value": v, "direction": "maximize", "number": i}
        for i, v in enumerate([0.7, 0.9, 0.8])
    ]
    assert best_record(records)["value"] == 0.9


def test_a_grid_study_on_accuracy_runs_every_point_once_then_ends(keras_pool):
    space = replace(
        TINY,
        sampler="grid",
        objective="val_accuracy",
        layers_max=1,
        units_min=16,
        units_max=16,
        lr_min=1e-3,
        lr_max=1e-1,
        optimizers=("adam",),
        epochs_min=2,
        epochs_max=2,
        trials=10,
    )
    assert grid_size(space) == 3
    job = keras_pool.wait("grid", keras_pool.submit("grid", SEARCH_TASK, SearchPayload(space)), 300)
    assert job.status == "finished", job.reason
    trials = job.result["trials"]
    assert [t["state"] for t in trials] == ["COMPLETE"] * 3
    assert sorted(t["params"]["learning_rate"] for t in trials) == [0.001, 0.01, 0.1]
    assert job.result["best"]["value"] == max(t["value"] for t in trials)  # accuracy: highest
