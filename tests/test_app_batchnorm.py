"""AppTest: the batch-norm page renders, γ and β move the output, the URL keeps them."""

import json

from streamlit.testing.v1 import AppTest

from tests.apptest_pages import open_page


def open_this_page(params=None) -> AppTest:
    return open_page("pages/batchnorm.py", params)


def metric(at: AppTest, label_start: str) -> float:
    return float(next(m.value for m in at.metric if m.label.startswith(label_start)))


def test_renders_histograms_running_averages_and_placements():
    at = open_this_page()
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any("mini-batch" in t for t in titles)
    assert any("evaluation mode" in t for t in titles)
    assert any("next layer" in t for t in titles)
    assert metric(at, "mean after BN") == 0.0
    assert abs(metric(at, "variance after BN") - 1.0) < 0.01


def test_gamma_and_beta_sliders_move_the_output_and_the_url():
    at = open_this_page()
    at.slider(key="bn_beta").set_value(1.5).run()
    at.slider(key="bn_gamma").set_value(2.0).run()
    assert metric(at, "mean after BN") == 1.5
    assert abs(metric(at, "variance after BN") - 4.0) < 0.05
    assert at.query_params["beta"] == "1.5"
    assert at.query_params["gamma"] == "2"


def test_url_opens_the_same_view_and_bad_values_fall_back():
    at = open_this_page({"bs": "8", "unit": "3", "gamma": "tall"})
    assert at.slider(key="bn_batch_size").value == 8
    assert at.slider(key="bn_unit").value == 3
    assert at.slider(key="bn_gamma").value == 1.0
    assert len(at.warning) == 1
