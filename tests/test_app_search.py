"""AppTest: a small study runs from the search page, fills its table and charts, opens its best."""

import time

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
