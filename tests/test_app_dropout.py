"""AppTest: the dropout page renders, a forward pass draws a new mask, the URL keeps it."""

import json

from streamlit.testing.v1 import AppTest

from tests.apptest_pages import open_page


def open_this_page(params=None) -> AppTest:
    return open_page("pages/dropout.py", params)


def unit_colors(at: AppTest) -> list:
    """Positions of the dropped units in the network figure."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    dropped = [t for t in spec["data"] if t["name"].startswith("dropped")]
    assert dropped
    return [(t["x"], t["y"]) for t in dropped]


def test_forward_pass_draws_a_new_mask_and_counts_it():
    at = open_this_page()
    before = unit_colors(at)
    at.button(key="do_forward").click().run()
    assert not at.exception
    assert unit_colors(at) != before
    assert at.query_params["pass"] == "2"
    assert any("12.8" in m.value for m in at.metric)


def test_rate_slider_changes_the_expectation_and_the_url():
    at = open_this_page()
    at.slider(key="do_rate").set_value(0.5).run()
    assert at.query_params["p"] == "0.5"
    assert any(m.value == "32.0 ± 4.0" for m in at.metric)


def test_link_reproduces_the_same_mask_and_bad_values_fall_back():
    first = open_this_page({"pass": "7", "p": "0.3"})
    second = open_this_page({"pass": "7", "p": "0.3", "seed": "minus one"})
    assert unit_colors(first) == unit_colors(second)
    assert second.slider(key="do_rate").value == 0.3
    assert len(second.warning) == 1
