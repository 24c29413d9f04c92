"""AppTest: a small study runs from the search page, fills its table and charts, opens its best."""

import json
import time

from core.figures.search import trial_curves_figure
from tests.apptest_pages import open_page

SMALL = {  # URL parameters of a space that searches in seconds on the embedded digits
    "ssub": "300",
    "lmax": "1",
    "umax": "32",
    "emin": "2",
    "emax": "3",
    "trials": "3",
    "opts": "adam",
    "bss": "32",
    "prune": "0",
}


def test_a_study_runs_shows_trials_and_optuna_charts_and_opens_its_best_in_the_lab():
    at = open_page("pages/search.py", SMALL)
    assert at.session_state.se_trials == 3 and at.session_state.se_optimizers == ("adam",)
    assert not at.error
    at.button(key="se_start").click().run()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not any("Finished" in s.value for s in at.success):
        time.sleep(1)
        at.run()
        assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table["trial"]) == [0, 1, 2] and set(table["state"]) == {"complete"}
    assert len(at.get("plotly_chart")) >= 4  # trial curves + Optuna's charts
    best_units = int(table.sort_values("value")["units"].iloc[0])
    at.button(key="se_open_best").click().run()
    assert not at.exception, at.exception
    assert at.session_state.tl_units_0 == best_units
    assert at.session_state.tl_dataset == "digits" and at.session_state.tl_subset == 300
    assert at.title[0].value == "Training Lab"


def test_swapped_ranges_and_junk_in_the_url_are_messages_not_tracebacks():
    at = open_page("pages/search.py", {"umin": "300", "umax": "10", "sampler": "anneal"})
    assert "`sampler=anneal` ignored" in " ".join(w.value for w in at.warning)
    assert "The smallest units is above the largest; swap them." in [e.value for e in at.error]
    assert at.button(key="se_start").disabled


def test_after_stop_now_the_button_and_legend_say_it_stopped():
    at = open_page("pages/search.py", {**SMALL, "emin": "200", "emax": "300", "trials": "2"})
    at.button(key="se_start").click().run()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not at.get("plotly_chart"):
        time.sleep(0.5)
        at.run()
    at.button(key="se_stop").click().run()
    assert at.button(key="se_stop").label == "Stop now"
    at.button(key="se_stop").click().run()
    while time.monotonic() < deadline and not at.button(key="se_stop").disabled:
        time.sleep(0.5)
        at.run()
    time.sleep(1)
    at.run()
    assert at.button(key="se_stop").label == "Stop after this trial"
    names = [t["name"] for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert names and not any("running" in name for name in names), names


def test_trial_legend_without_a_state_is_stopped_once_the_study_ended():
    history = [{"trial": 0, "epoch": 1, "val_data_loss": 0.5}]
    assert trial_curves_figure(history, {}, running=True).data[0].name == "trial 0 (running)"
    assert trial_curves_figure(history, {}, running=False).data[0].name == "trial 0 (stopped)"
