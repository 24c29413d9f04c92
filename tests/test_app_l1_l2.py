"""AppTest: the L1 vs L2 page renders, the λ slider moves both optima, the URL keeps it."""

import json

from streamlit.testing.v1 import AppTest

from tests.apptest_pages import open_page


def open_this_page(params=None) -> AppTest:
    return open_page("pages/l1_l2.py", params)


def optimum(at: AppTest, label: str) -> tuple[float, float]:
    text = next(m.value for m in at.metric if m.label == label)
    return tuple(float(v) for v in text.strip("()").split(","))


def test_default_lambda_zeroes_one_l1_weight_but_no_l2_weight():
    at = open_this_page()
    assert 0.0 in optimum(at, "L1 optimum")
    assert 0.0 not in optimum(at, "L2 optimum")
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any("Coefficient path" in t for t in titles)


def test_lambda_slider_moves_the_optima_and_the_url():
    at = open_this_page()
    at.slider(key="pen_log_lam").set_value(-3.0).run()
    l1, l2 = optimum(at, "L1 optimum"), optimum(at, "L2 optimum")
    assert 0.0 not in l1
    assert abs(l1[0] - l2[0]) < 0.05
    assert at.query_params["loglam"] == "-3"


def test_url_opens_the_same_view_and_bad_values_fall_back():
    at = open_this_page({"loglam": "0.5", "corr": "strong"})
    assert at.slider(key="pen_log_lam").value == 0.5
    assert at.slider(key="pen_correlation").value == 0.5
    assert len(at.warning) == 1
