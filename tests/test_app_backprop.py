"""AppTest: stepping through the backprop page."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_pages import open_page


def open_this_page(params=None) -> AppTest:
    return open_page("pages/backprop.py", params)


def current(at: AppTest) -> tuple[str, str]:
    metric = at.metric[0]
    return metric.label, metric.value


@pytest.mark.slow  # about 20 s: every step of the walk-through, rendered
def test_next_walks_every_step_and_previous_walks_back():
    at = open_this_page()
    seen = [current(at)]
    for _ in range(15):
        at.button(key="bp_next").click().run()
        seen.append(current(at))
    assert seen[0] == ("z3", "0.7550")
    assert seen[-1] == ("w24", "0.5926")
    assert len({label for label, _ in seen}) == 16
    assert at.button(key="bp_next").disabled
    assert any("Old vs new" in h.value for h in at.subheader)
    for expected in reversed(seen[:-1]):
        at.button(key="bp_prev").click().run()
        assert current(at) == expected
    assert at.button(key="bp_prev").disabled


def test_reset_returns_to_the_start():
    at = open_this_page()
    for _ in range(4):
        at.button(key="bp_next").click().run()
    assert current(at)[0] == "z5"
    at.button(key="bp_reset").click().run()
    assert current(at) == ("z3", "0.7550")


def test_editing_a_weight_changes_the_results():
    at = open_this_page()
    at.number_input(key="bp_w13").set_value(0.5).run()
    assert current(at) == ("z3", f"{0.5 * 0.35 + 0.8 * 0.9:.4f}")
    assert at.query_params["w13"] == "0.5"


def test_url_opens_a_step_and_bad_values_fall_back():
    at = open_this_page({"step": "8", "eta": "-1", "w35": "oops"})
    assert current(at)[0] == "δ5"
    assert at.subheader[0].value.startswith("Step 8 of 16")  # the URL counts steps as the page
    assert len(at.warning) == 2
    assert at.number_input(key="bp_learning_rate").value == 0.001  # clamped to the widget's
    assert any("below the smallest" in w.value for w in at.warning)


def test_gradient_check_and_slips_are_shown():
    at = open_this_page()
    table = at.dataframe[-1].value
    assert table["|engine − finite diff.|"].max() < 1e-8
    assert any("5962" in block.value for block in at.markdown)


def test_course_values_button_restores_the_example():
    at = open_this_page()
    at.number_input(key="bp_w13").set_value(0.5).run()
    at.button(key="bp_next").click().run()
    at.button(key="bp_defaults").click().run()
    assert not at.exception, at.exception
    assert at.number_input(key="bp_w13").value == 0.1
    assert current(at) == ("z3", "0.7550")


def test_step_in_the_url_is_the_step_number_on_the_page():
    at = open_this_page()
    for _ in range(3):
        at.button(key="bp_next").click().run()
    assert at.subheader[0].value.startswith("Step 4 of 16")
    assert at.query_params["step"] == ["4"] or at.query_params["step"] == "4"
    at = open_this_page({"step": "99"})
    assert current(at) == ("w24", "0.5926")
