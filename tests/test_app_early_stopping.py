"""AppTest: the early-stopping page renders, patience and min_delta move the stop, URL kept."""

import re

from streamlit.testing.v1 import AppTest

from tests.apptest_pages import open_page


def open_this_page(params=None) -> AppTest:
    return open_page("pages/early_stopping.py", params)


def stopped_epoch(at: AppTest) -> int:
    text = next(c.value for c in at.caption if "EarlyStopping(" in c.value)
    match = re.search(r"stopped after epoch (\d+)", text)
    return int(match.group(1)) if match else 100


def test_more_patience_stops_later():
    at = open_this_page()
    before = stopped_epoch(at)
    at.slider(key="es_patience").set_value(15).run()
    assert stopped_epoch(at) > before
    assert at.query_params["pat"] == "15"


def test_min_delta_stops_a_plateau_earlier():
    at = open_this_page({"pat": "10"})
    before = stopped_epoch(at)
    at.number_input(key="es_min_delta").set_value(0.001).run()
    assert stopped_epoch(at) < before
    assert at.query_params["delta"] == "0.001"


def test_url_opens_the_same_view_and_bad_values_fall_back():
    at = open_this_page({"pat": "8", "restore": "0", "noise": "loud"})
    assert at.slider(key="es_patience").value == 8
    assert at.checkbox(key="es_restore_best").value is False
    assert len(at.warning) == 1
