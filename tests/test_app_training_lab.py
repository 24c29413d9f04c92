"""AppTest: the Training Lab renders, Train starts a real job, the chart then holds the epochs."""

import json
import re
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.apptest_pages import open_page


def open_lab(params=None) -> AppTest:
    return open_page("pages/training_lab.py", params)


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_home_renders_and_links_the_lab():
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Regularization Lab"


def test_lab_renders_with_defaults():
    at = open_lab()
    assert at.title[0].value == "Training Lab"
    assert at.button(key="tl_train").disabled is False
    assert at.button(key="tl_stop").disabled is True
    assert at.selectbox(key="tl_dataset").value == "digits"


def test_train_runs_to_completion_and_chart_holds_every_epoch():
    at = open_lab({"ep": "6"})
    at.button(key="tl_train").click().run()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        at.run()
        if any("Finished" in s.value for s in at.success):
            break
        time.sleep(0.5)
    assert any("Finished" in s.value for s in at.success), [e.value for e in at.error]
    loss = next(
        s for s in chart_specs(at) if "Loss" in s["layout"].get("title", {}).get("text", "")
    )
    train = next(t for t in loss["data"] if t["name"] == "train")
    assert train["x"] == [1, 2, 3, 4, 5, 6]
    assert any("test accuracy" in m.label for m in at.metric)


def test_bad_url_values_show_notices_not_tracebacks():
    at = open_lab({"lr": "zero", "drop": "1.5", "units": "x"})
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert len(notices) == 3 and sum("ignored" in n for n in notices) == 2
    assert any("`drop=1.5`" in n and "using 0.9" in n for n in notices)
    assert at.button(key="tl_train").disabled is False


def test_zero_hidden_layers_disables_train_with_a_message():
    at = open_lab()
    at.number_input(key="tl_layers").set_value(0).run()
    assert any("at least one hidden layer" in e.value for e in at.error)
    assert at.button(key="tl_train").disabled is True


def test_changing_a_widget_updates_the_url():
    at = open_lab()
    at.selectbox(key="tl_dataset").set_value("moons").run()
    assert at.query_params["ds"] == "moons"


def test_course_dataset_from_a_local_folder_previews_and_trains(tmp_path, monkeypatch):
    from tests.course_fixtures import write_course_data

    monkeypatch.setenv("REGLAB_DATA_DIR", str(write_course_data(tmp_path / "data")))
    at = open_lab({"ds": "imdb", "words": "1000", "ep": "3", "units": "8,8", "hold": "first"})
    previews = [
        m.value for m in at.markdown if m.value.startswith(("**positive**", "**negative**"))
    ]
    assert previews and "?" in previews[0]
    at.button(key="tl_train").click().run()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (at.success or at.error):
        time.sleep(0.5)
        at.run()
    assert any("Finished" in s.value for s in at.success), [e.value for e in at.error]


def test_missing_course_dataset_shows_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("REGLAB_DATA_DIR", str(tmp_path / "none"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "none"))
    monkeypatch.setenv("REGLAB_OFFLINE", "1")  # no download either
    at = open_lab({"ds": "mnist"})
    assert not at.exception
    assert any(
        "MNIST is not available" in e.value and "REGLAB_DATA_DIR" in e.value for e in at.error
    )
    assert at.button(key="tl_train").disabled  # nothing to train on: Train is off


def test_a_url_notice_goes_once_the_learner_fixes_that_value():
    at = open_lab({"lr": "zero", "drop": "1.5"})
    assert len(at.warning) == 2
    at.number_input(key="tl_lr").set_value(0.01).run()
    notices = [w.value for w in at.warning]
    assert len(notices) == 1 and "drop" in notices[0]


def test_home_lists_every_page_once_and_carries_no_lab_settings():
    at = open_lab({"ep": "6"})
    at.switch_page("pages/home.py").run()
    assert not at.exception
    assert "ep" not in at.query_params
    assert any("Start here" in h.value for h in at.subheader)
    links = [link.proto.page for link in at.main.get("page_link")]
    app = (Path(__file__).parents[1] / "app.py").read_text(encoding="utf-8")
    pages = set(re.findall(r'st\.Page\(\s*"(pages/\w+\.py)"', app)) - {"pages/home.py"}
    assert len(pages) == 14
    assert len(links) == len(set(links)) and {Path(p).stem for p in links} == {
        Path(p).stem for p in pages
    }  # every page of the navigation but Home, once


def test_settings_made_in_the_ui_survive_a_visit_to_another_page():
    at = open_lab()
    at.selectbox(key="tl_opt").set_value("sgd").run()
    at.slider(key="tl_mom").set_value(0.5).run()
    at.checkbox(key="tl_nest").check().run()
    at.checkbox(key="tl_es").check().run()
    at.number_input(key="tl_esp").set_value(7).run()
    at.selectbox(key="tl_dataset").set_value("moons").run()
    at.slider(key="tl_n").set_value(800).run()
    at.slider(key="tl_noise").set_value(0.35).run()
    before = dict(at.query_params)
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/training_lab.py").run()
    assert dict(at.query_params) == before
    assert at.slider(key="tl_mom").value == 0.5 and at.checkbox(key="tl_nest").value
    assert at.number_input(key="tl_esp").value == 7
    assert (at.slider(key="tl_n").value, at.slider(key="tl_noise").value) == (800, 0.35)


def test_conv_settings_survive_a_visit_to_another_page():
    at = open_lab()
    at.selectbox(key="tl_dataset").set_value("mnist").run()
    at.radio(key="tl_arch").set_value("cnn").run()
    at.text_input(key="tl_conv").input("16,32").run()
    at.checkbox(key="tl_cbn").check().run()
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/training_lab.py").run()
    assert at.text_input(key="tl_conv").value == "16,32"
    assert at.checkbox(key="tl_cbn").value


def test_same_regularization_toggle_carries_values_both_ways():
    at = open_lab()
    at.toggle(key="tl_same").set_value(False).run()
    at.number_input(key="tl_l2_0").set_value(0.002).run()
    at.slider(key="tl_drop_0").set_value(0.3).run()
    at.checkbox(key="tl_bn_0").check().run()
    at.toggle(key="tl_same").set_value(True).run()
    assert at.number_input(key="tl_l2").value == 0.002
    assert at.slider(key="tl_drop").value == 0.3 and at.checkbox(key="tl_bn").value
    at.number_input(key="tl_l2").set_value(0.005).run()
    at.toggle(key="tl_same").set_value(False).run()
    assert [at.number_input(key=f"tl_l2_{i}").value for i in range(2)] == [0.005, 0.005]


def test_switching_to_a_course_dataset_and_back_keeps_the_split():
    at = open_lab()
    at.slider(key="tl_val").set_value(0.3).run()
    at.slider(key="tl_test").set_value(0.25).run()
    at.selectbox(key="tl_dataset").set_value("mnist").run()
    assert at.slider(key="tl_val").value == 0.3
    at.selectbox(key="tl_dataset").set_value("digits").run()
    assert (at.slider(key="tl_val").value, at.slider(key="tl_test").value) == (0.3, 0.25)


def test_a_stopped_run_shows_test_results_over_the_epochs_it_ran():
    at = open_lab({"ep": "500", "bs": "8"})
    at.button(key="tl_train").click().run()
    deadline = time.monotonic() + 120

    def epochs_drawn() -> int:
        loss = [
            s for s in chart_specs(at) if "Loss" in s["layout"].get("title", {}).get("text", "")
        ]
        return len(loss[0]["data"][0]["x"]) if loss else 0

    while time.monotonic() < deadline and epochs_drawn() < 3:
        time.sleep(0.5)
        at.run()
    at.button(key="tl_stop").click().run()
    while time.monotonic() < deadline and not any("test accuracy" in m.label for m in at.metric):
        time.sleep(0.5)
        at.run()
    assert any("test accuracy" in m.label for m in at.metric)
    loss = next(
        s for s in chart_specs(at) if "Loss" in s["layout"].get("title", {}).get("text", "")
    )
    ran = len(loss["data"][0]["x"])
    assert 2 <= ran < 500
    assert loss["layout"]["xaxis"].get("range", [0, ran])[1] <= ran + 0.5


def test_show_run_selector_follows_the_run_on_screen():
    at = open_lab({"ep": "2"})
    ids = []
    for _ in range(2):
        at.button(key="tl_train").click().run()
        ids.append(at.session_state.tl_run)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any("Finished" in s.value for s in at.success):
            time.sleep(0.5)
            at.run()
        assert at.selectbox(key="tl_pick").value == ids[-1]
    at.selectbox(key="tl_pick").set_value(ids[0]).run()
    assert at.session_state.tl_run == ids[0]
    assert at.selectbox(key="tl_pick").value == ids[0]


def test_settings_that_change_others_say_so():
    at = open_lab({"opt": "sgd", "mom": "0.5"})
    at.selectbox(key="tl_opt").set_value("adam").run()
    assert any("Momentum and Nesterov" in i.value for i in at.info)
    at = open_lab({"same": "0", "l2": "0.001,0.002"})
    at.toggle(key="tl_same").set_value(True).run()
    assert any("layer 1's regularization" in i.value for i in at.info)


def test_a_second_train_keeps_the_first_run_in_sight_and_stop_all_stops_both():
    at = open_lab({"ep": "400", "bs": "8"})
    at.button(key="tl_train").click().run()
    first = at.session_state["tl_run"]
    at.button(key="tl_train").click().run()
    second = at.session_state["tl_run"]
    assert first != second
    assert at.button(key=f"tl_stop_{first}")  # the first run keeps its own Stop
    assert any(first in m.value for m in at.markdown)
    at.button(key="tl_stop_all").click().run()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        at.run()
        runs = {row["Run"]: row["Status"] for row in at.dataframe[-1].value.to_dict("records")}
        if all(runs.get(r) not in ("queued", "running") for r in (first, second)):
            break
        time.sleep(0.5)
    assert runs[first] not in ("queued", "running") and runs[second] not in ("queued", "running")
    assert not [b for b in at.button if b.key == "tl_stop_all"]
