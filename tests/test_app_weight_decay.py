"""AppTest: the weight-decay page renders, its sliders change the paths, the URL keeps them."""

from streamlit.testing.v1 import AppTest

from tests.apptest_pages import open_page


def open_this_page(params=None) -> AppTest:
    return open_page("pages/weight_decay.py", params)


def finals(at: AppTest) -> dict:
    table = at.dataframe[0].value
    return {row["method"]: (row["final w₁"], row["final w₂"]) for _, row in table.iterrows()}


def test_sgd_forms_agree_and_adam_forms_differ():
    at = open_this_page()
    rows = finals(at)
    assert rows["SGD + L2 loss term l2(λ/2)"] == rows["SGD + weight decay λ"]
    assert rows["Adam + L2 loss term l2(λ/2)"] != rows["AdamW (Adam + weight decay λ)"]


def test_decay_slider_changes_the_paths_and_the_url():
    at = open_this_page()
    before = finals(at)
    at.slider(key="wd_decay").set_value(0.5).run()
    assert finals(at) != before
    assert at.query_params["wd"] == "0.5"


def test_url_opens_the_same_view_and_bad_values_fall_back():
    at = open_this_page({"steps": "100", "lr": "fast"})
    assert at.slider(key="wd_steps").value == 100
    assert at.slider(key="wd_learning_rate").value == 0.05
    assert len(at.warning) == 1
