"""The Lab's new settings without TensorFlow: weight decay and min_delta in URL, code, search."""

import numpy as np
import optuna

from core.figures.runs import weight_history_figure
from core.lab.config import TrainingConfig
from core.lab.keras_snippet import keras_code
from core.lab.search import SearchSpace, config_for_params, search_problems, suggest_config
from tests.apptest_pages import open_page


def test_weight_decay_and_min_delta_round_trip_through_the_url():
    config = TrainingConfig(weight_decay=0.004, early_stopping=True, es_min_delta=0.001)
    query = config.to_query()
    assert query["wd"] == "0.004" and query["esd"] == "0.001"
    again, notices = TrainingConfig.from_query(query)
    assert again == config and not notices
    fallback, notices = TrainingConfig.from_query({"wd": "-1"})
    assert fallback.weight_decay == 0.0 and len(notices) == 1


def test_keras_code_passes_weight_decay_to_the_optimizer_and_min_delta_to_early_stopping():
    config = TrainingConfig(
        weight_decay=0.004, early_stopping=True, es_min_delta=0.001, l2=(0.002,)
    )
    code = keras_code(config)
    assert "keras.optimizers.Adam(learning_rate=0.001, weight_decay=0.004)" in code
    assert "min_delta=0.001" in code
    assert "regularizers.l2(0.002)" in code
    compile(code, "snippet", "exec")
    plain = keras_code(TrainingConfig())
    assert "weight_decay" not in plain and "min_delta" not in plain


def test_search_space_offers_weight_decay_only_when_asked():
    base = SearchSpace()
    trial = optuna.create_study(sampler=optuna.samplers.RandomSampler(0)).ask()

    assert suggest_config(trial, base).weight_decay == 0.0
    assert "weight_decay" not in trial.params
    space = SearchSpace(wd_max=0.01)
    params = {"layers": 1, "units": 16, "learning_rate": 0.01, "dropout": 0.1, "l2": 1e-4}
    params |= {"optimizer": "adam", "batch_size": "32", "epochs": 10, "weight_decay": 0.002}
    assert config_for_params(params, space).weight_decay == 0.002
    assert any("weight decay" in p for p in search_problems(SearchSpace(wd_max=1e-9)))


def test_weight_history_figure_draws_one_heatmap_per_layer_over_epochs():
    edges = np.linspace(-1, 1, 42).tolist()
    history = [
        {"layer": name, "edges": edges, "counts": [[10] * 41, [0] * 20 + [410] + [0] * 20]}
        for name in ("dense_1", "dense_2", "output")
    ]
    fig = weight_history_figure(history)
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 3
    z = np.asarray(heatmaps[0].z)
    assert z.shape == (41, 2)  # weight bins × epochs
    assert z[20, 1] == np.log10(1 + 1e-4)  # all weights piled in the zero bin at epoch 1
    assert [a.text for a in fig.layout.annotations] == ["dense_1", "dense_2", "output"]


def test_lab_sidebar_has_weight_decay_and_min_delta_in_the_url():
    at = open_page("pages/training_lab.py")
    at.number_input(key="tl_wd").set_value(0.01).run()
    assert at.query_params["wd"] == "0.01"
    assert "Weight decay" in at.number_input(key="tl_wd").label
    at.checkbox(key="tl_es").check().run()
    at.number_input(key="tl_esd").set_value(0.001).run()
    assert at.query_params["esd"] == "0.001"
    assert not at.exception


def test_search_page_reads_the_weight_decay_range_from_the_url():
    at = open_page("pages/search.py", {"wdmax": "0.01"})
    assert at.number_input(key="se_wd_max").value == 0.01
    at.number_input(key="se_wd_max").set_value(0.02).run()
    assert at.query_params["wdmax"] == "0.02"


def test_run_label_names_the_weight_decay():
    from core.runs.records import describe

    assert "weight decay 0.004" in describe(TrainingConfig(weight_decay=0.004))
