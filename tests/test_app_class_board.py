"""AppTest: a class from creation to reveal: the instructor's mission, a learner joining through
the link, the prediction asked once, published runs only on the board, the key kept off URLs."""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from core.classroom.classes import OUTCOMES
from core.classroom.store import ClassStore
from core.lab.config import TrainingConfig
from core.lab.url_state import from_query
from core.store.run_store import RunStore
from tests.apptest_pages import open_page
from tests.classroom_runs import lab_run, stored

BOARD = "pages/class_board.py"
LAB = "pages/training_lab.py"


@pytest.fixture
def classes():
    store = RunStore(os.environ["REGLAB_DB_URL"], server="test-writer")
    yield ClassStore(store)
    store.close()


def create_class(title: str = "Dropout lab"):
    at = open_page(BOARD)
    at.text_input(key="cb_new_title").set_value(title)
    at.button(key="cb_create").click().run()
    assert not at.exception, at.exception
    code = at.session_state["class_code"]
    assert at.query_params["class"] == [code] or at.query_params["class"] == code
    return at, code


def texts(at) -> str:
    parts = [m.value for m in (*at.markdown, *at.caption, *at.error, *at.warning, *at.info)]
    return "\n".join(str(p) for p in parts)


def test_the_board_without_a_class_offers_to_open_or_create_one():
    at = open_page(BOARD)
    assert at.title[0].value == "Class board"
    assert at.button(key="cb_create") and at.button(key="cb_open")
    at.text_input(key="cb_code").set_value("ZZZZZZ")
    at.button(key="cb_open").click().run()
    assert "no class" in texts(at)


def test_an_instructors_mission_link_opens_the_lab_in_its_setup_and_asks_once(classes):
    at, code = create_class()
    at.session_state["tl_config"] = from_query(TrainingConfig, {"drop": "0.3", "units": "32"})[0]
    at.run()
    at.text_input(key="cb_m_title").set_value("Dropout sweep")
    at.text_area(key="cb_m_task").set_value("Pick a **dropout** rate, train, publish.")
    at.multiselect(key="cb_m_hide").set_value(["opt"])
    at.multiselect(key="cb_m_lock").set_value(["units"])
    at.selectbox(key="cb_m_about").set_value("drop").run()
    at.text_input(key="cb_m_value").set_value("0.6").run()
    at.button(key="cb_m_save").click().run()
    assert not at.exception, at.exception
    info = classes.get(code)
    assert info.mission.title == "Dropout sweep" and info.mission.test_value == "0.6"
    link = next(c.value for c in at.code if f"class={code}" in c.value)
    query = dict(part.split("=", 1) for part in link.split("?", 1)[1].split("&"))
    assert query["drop"] == "0.3" and query["opt_hide"] == "1" and query["units_lock"] == "1"

    learner = open_page(LAB, query)  # another session: another learner
    assert "Dropout sweep" in texts(learner)
    assert not [s for s in learner.selectbox if s.key == "tl_opt"]  # hidden by the mission
    assert learner.session_state["tl_config"] == info.mission.config  # the setup, exactly
    learner.text_input(key="tl_cls_name").set_value("<b>x</b>")
    learner.button(key="FormSubmitter:tl_cls_form-Join the class").click().run()
    assert "plain text" in texts(learner)
    learner.text_input(key="tl_cls_name").set_value("Ada")
    learner.button(key="FormSubmitter:tl_cls_form-Join the class").click().run()
    assert "You are in as **Ada**" in texts(learner)
    assert learner.button(key="tl_train").disabled  # the prediction comes first
    learner.radio(key="tl_cls_answer").set_value(OUTCOMES["lower"]).run()
    learner.button(key="tl_cls_predict").click().run()
    assert not learner.button(key="tl_train").disabled
    assert not [r for r in learner.radio if r.key == "tl_cls_answer"]  # asked once
    learner.run()
    assert not [r for r in learner.radio if r.key == "tl_cls_answer"]
    assert learner.query_params["class"] in (code, [code])
    assert (
        classes.prediction(code, learner.session_state["owner"], info.mission_rev)
        == (OUTCOMES["lower"])
    )


def test_the_board_shows_published_runs_only_and_reveals_test_scores(classes):
    at, code = create_class()
    for i, (rate, accuracy) in enumerate([(0.0, 0.91), (0.5, 0.86)]):
        owner = f"apptest-learner-{code}-{i}"
        assert classes.join(code, owner, f"Learner {i}") == ""
        job = stored(classes.store, lab_run(owner, rate, epochs=6, test_accuracy=accuracy))
        classes.publish(code, owner, job.key)
        stored(classes.store, lab_run(owner, 0.25))  # never published
    at.run()
    frame = at.dataframe[0].value
    assert len(frame) == 2 and "test accuracy" not in frame.columns
    assert set(frame["who"]) == {"learner 1", "learner 2"}  # anonymous by default
    assert "0.25" not in set(frame["Dropout p"])
    assert [m.value for m in at.metric] == ["2", "0", "2"]
    at.button(key="cb_reveal").click().run()
    frame = at.dataframe[0].value
    assert set(frame["test accuracy"]) == {0.91, 0.86}
    at.toggle(key="cb_anon").set_value(False).run()
    assert set(at.dataframe[0].value["who"]) == {"Learner 0", "Learner 1"}


def test_with_an_operator_key_only_a_browser_that_entered_it_is_instructor(monkeypatch):
    monkeypatch.setenv("REGLAB_INSTRUCTOR_KEY", "lecture-key")
    at = open_page(BOARD)
    assert not [b for b in at.button if b.key == "cb_create"]
    unlock = "FormSubmitter:cb_key_form-Unlock instructor tools"  # Enter submits the form
    at.text_input(key="cb_key").set_value("wrong")
    at.button(key=unlock).click().run()
    assert "not the instructor key" in texts(at)
    at.run()
    assert "not the instructor key" not in texts(at)  # said once, not left standing
    at.text_input(key="cb_key").set_value("lecture-key")
    at.button(key=unlock).click().run()
    assert at.button(key="cb_create")
    assert all("lecture-key" not in str(v) for v in at.query_params.values())
    assert at.session_state["cb_key"] == ""
    at.button(key="cb_create").click().run()
    code = at.session_state["class_code"]
    assert at.button(key="cb_reveal")

    learner = open_page(BOARD, {"class": code})
    assert learner.session_state["class_code"] == code
    assert not [b for b in learner.button if b.key in ("cb_reveal", "cb_close")]
    assert learner.dataframe == [] or len(learner.dataframe[0].value) == 0


def test_the_projector_view_hides_names_and_the_sidebar(classes):
    _, code = create_class()
    owner = f"apptest-projected-{code}"
    classes.join(code, owner, "Named Person")
    classes.set_settings(code, {"anonymous": False, "color": "drop"})
    classes.publish(code, owner, stored(classes.store, lab_run(owner, 0.1)).key)
    shown = open_page(BOARD, {"class": code})
    assert "Named Person" in set(shown.dataframe[0].value["who"])
    projected = AppTest.from_file("../app.py", default_timeout=120)
    projected.query_params.update({"class": code, "present": "1"})  # the link, first request
    projected.switch_page(BOARD).run()
    assert not projected.exception, projected.exception
    assert set(projected.dataframe[0].value["who"]) == {"learner 1"}
    assert any("stSidebar" in m.value for m in projected.markdown)
    assert not projected.title  # the board only


def test_a_closed_class_board_is_read_only(classes):
    at, code = create_class()
    classes.close(code)
    at.run()
    assert "read-only" in texts(at)
    assert not [t for t in at.text_input if t.key == "cb_m_title"]
    learner = open_page(LAB, {"class": code})
    assert not [t for t in learner.text_input if t.key == "tl_cls_name"]
    assert "closed" in texts(learner)


@pytest.mark.parametrize("page", [BOARD, LAB])
@pytest.mark.parametrize("code", ["<script>alert(1)</script>", "x" * 500, "\x00", "ABCD0F", ""])
def test_a_malformed_class_in_a_link_is_ignored_without_a_traceback(page, code):
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params["class"] = code
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert "class_code" not in at.session_state or at.session_state["class_code"] == ""
    assert "<script>" not in texts(at)
    if code:  # a class= that cannot be a code says so
        assert "is not a class code" in texts(at)


def test_the_projector_button_and_its_way_back_switch_presentation_mode(classes):
    at, code = create_class()
    at.button(key="cb_project").click().run()
    assert not at.exception, at.exception
    assert at.session_state["presentation"] is True
    assert not at.title and at.query_params["present"] in (["1"], "1")
    at.button(key="cb_unproject").click().run()
    assert not at.exception, at.exception
    assert at.session_state["presentation"] is False and "present" not in at.query_params
    assert at.title[0].value == "Class board"
    assert any(code in m.value and "/training_lab?class=" in m.value for m in at.markdown)
    at.button(key="cb_other").click().run()  # back to the class home
    assert at.button(key="cb_create") and at.session_state["class_code"] == ""


def test_the_prediction_question_follows_the_tried_value_until_edited(classes):
    at, _ = create_class()
    at.selectbox(key="cb_m_about").set_value("l2").run()
    assert at.text_input(key="cb_m_question").value == ""
    assert "Type the l2" in texts(at) or "Type the" in texts(at)
    assert at.button(key="cb_m_save").disabled
    at.text_input(key="cb_m_value").set_value("0.01").run()
    assert "= 0.01 lower" in at.text_input(key="cb_m_question").value
    at.text_input(key="cb_m_value").set_value("0.001").run()
    assert "= 0.001 lower" in at.text_input(key="cb_m_question").value
    at.text_input(key="cb_m_question").set_value("Does a tiny L2 help?").run()
    at.text_input(key="cb_m_value").set_value("0.0001").run()
    assert at.text_input(key="cb_m_question").value == "Does a tiny L2 help?"
    at.selectbox(key="cb_m_about").set_value("my own question and choices").run()
    at.text_area(key="cb_m_choices").set_value("yes").run()
    assert "at least two choices" in texts(at) and at.button(key="cb_m_save").disabled


def test_after_a_restart_the_only_finished_run_can_be_shown_again():
    lab = open_page(LAB)
    me = lab.session_state["owner"]
    from pages.ui.runtime import job_manager

    job_manager().adopt(me, lab_run(me, 0.2, epochs=4))  # as read back after a restart
    lab.run()
    assert lab.selectbox(key="tl_pick").value is None  # nothing on screen: nothing named
    (shown_id,) = lab.selectbox(key="tl_pick").options
    lab.selectbox(key="tl_pick").set_value(shown_id).run()
    assert not lab.exception, lab.exception
    assert lab.session_state["tl_run"] == shown_id
    assert lab.selectbox(key="tl_pick").value == shown_id
