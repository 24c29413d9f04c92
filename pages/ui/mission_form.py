"""The instructor's side of the class board: create a class, write its mission (task, setup
from the Lab, hidden and locked controls, a prediction), reveal test scores, close it."""

from __future__ import annotations

import time

import streamlit as st

from core.classroom.board import COLORINGS
from core.classroom.classes import ClassInfo, Mission, default_question
from core.classroom.store import ClassStore
from core.lab.config import TrainingConfig
from core.lab.controls import labels
from core.lab.url_state import from_query, to_query
from pages.ui.classroom import is_instructor, page_url, set_class_code
from pages.ui.runtime import owner

LAB_LABELS = labels("training_lab")
CUSTOM = "my own question and choices"
NONE = "no prediction"


def classes_home(store: ClassStore) -> None:
    """No class chosen: open one by its code, or (instructors) create one."""
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Open a class")
        st.text_input("Class code", key="cb_code", max_chars=12, placeholder="e.g. K7QX2M")
        if st.button("Open its board", key="cb_open"):
            set_class_code(st.session_state.get("cb_code", ""))
            if not store.get(st.session_state.get("cb_code", "")):
                st.error("There is no class with that code: check it on the projected board.")
            else:
                st.rerun()
    with right:
        st.subheader("Run a class")
        if not is_instructor():
            st.caption("Creating a class needs the instructor key (below).")
            return
        st.text_input("Title", key="cb_new_title", value="Regularization lab", max_chars=200)
        if st.button("Create a class", key="cb_create", type="primary"):
            info = store.create(owner(), st.session_state.get("cb_new_title", ""))
            if info is None:
                st.error(store.store.problem or "The class could not be created: try again.")
            else:
                set_class_code(info.code)
                st.rerun()
        for info in store.of_owner(owner())[:8]:
            if st.button(f"{info.code} · {info.title}", key=f"cb_mine_{info.code}"):
                set_class_code(info.code)
                st.rerun()


def instructor_tools(store: ClassStore, info: ClassInfo) -> None:
    """Mission, join link, reveal and close: drawn for the class's instructors only."""
    open_now = info.is_open(time.time())
    with st.expander(
        "Instructor: mission and join link", expanded=not info.mission, icon=":material/school:"
    ):
        if open_now:
            mission_editor(store, info)
        link = page_url("training_lab", info.mission.link_query(info.code))
        st.markdown("**Join link** (opens the Training Lab in the mission's setup):")
        st.code(link, language=None)
    left, middle, right = st.columns(3)
    shown = info.revealed is not None
    if left.button(
        "Hide test scores" if shown else "Reveal test scores",
        key="cb_reveal",
        icon=":material/visibility:",
        help="Until then the board ranks by validation only (Kaggle's public and private split).",
    ) and is_instructor(info):
        store.reveal(info.code, not shown)
        st.rerun()
    if open_now:
        with right.popover("Close the class", icon=":material/lock:"):
            st.write("Nobody can join or publish afterwards; the board stays, read-only.")
            if st.button("Close it now", key="cb_close", type="primary") and is_instructor(info):
                store.close(info.code)
                st.rerun()
    board_settings(store, info, middle)


def board_settings(store: ClassStore, info: ClassInfo, container) -> None:
    """The coloring and anonymity everyone's view of the board uses."""
    current = info.settings.get("color", info.mission.color_by)

    def save() -> None:
        store.set_settings(
            info.code,
            {"color": st.session_state.cb_color, "anonymous": st.session_state.cb_anon},
        )

    st.session_state.setdefault("cb_color", current if current in COLORINGS else COLORINGS[0])
    st.session_state.setdefault("cb_anon", bool(info.settings.get("anonymous", True)))
    with container.popover("Board settings", icon=":material/palette:"):
        st.selectbox(
            "Color the runs by",
            COLORINGS,
            key="cb_color",
            format_func=LAB_LABELS.get,
            on_change=save,
        )
        st.toggle("Anonymous (no names)", key="cb_anon", on_change=save)


def _suggest_question(question: str) -> None:
    """Fill the question from the tried value, and follow the value while it is not edited."""
    current = st.session_state.get("cb_m_question", "")
    if not current.strip() or current == st.session_state.get("cb_m_suggested"):
        st.session_state.cb_m_question = question
    st.session_state.cb_m_suggested = question


def mission_editor(store: ClassStore, info: ClassInfo) -> None:
    mission = info.mission
    defaults = {
        "cb_m_title": mission.title,
        "cb_m_task": mission.task,
        "cb_m_hide": list(mission.hidden),
        "cb_m_lock": list(mission.locked),
        "cb_m_about": mission.test_key or (CUSTOM if mission.choices else NONE),
        "cb_m_value": mission.test_value,
        "cb_m_question": mission.question,
        "cb_m_choices": "\n".join(mission.choices),
        "cb_m_suggested": default_question(mission.test_key, mission.test_value)
        if mission.test_key
        else "",
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    st.text_input("Mission title", key="cb_m_title", placeholder="Find the best dropout rate")
    st.text_area(
        "Task (Markdown)",
        key="cb_m_task",
        placeholder="Everyone: pick a dropout rate between 0 and 0.7, press Train, then Publish.",
    )
    lab = st.session_state.get("tl_config")
    setup = to_query(lab) if isinstance(lab, TrainingConfig) else dict(mission.setup)
    st.caption(
        "Starting setup (your Training Lab's current settings): "
        + (", ".join(f"{LAB_LABELS.get(k, k)} {v}" for k, v in setup.items()) or "the defaults")
    )
    keys = list(LAB_LABELS)
    left, right = st.columns(2)
    left.multiselect("Hide these controls", keys, key="cb_m_hide", format_func=LAB_LABELS.get)
    right.multiselect("Lock these controls", keys, key="cb_m_lock", format_func=LAB_LABELS.get)
    about = st.selectbox(
        "Prediction asked before the first Train",
        [NONE, *COLORINGS, CUSTOM],
        key="cb_m_about",
        format_func=lambda k: LAB_LABELS.get(k, k),
    )
    test_key = about if about in COLORINGS else ""
    problem, value = "", ""
    if test_key:
        typed = st.text_input(
            f"{LAB_LABELS[test_key]} to try against the setup's", key="cb_m_value"
        )
        config, notes = from_query(TrainingConfig, {test_key: typed})
        if not typed.strip():
            problem = f"Type the {LAB_LABELS[test_key].lower()} to try, e.g. one the setup lacks."
        elif notes:
            problem = notes[0]
        else:
            value = to_query(config, only_changed=False).get(test_key, typed)
            _suggest_question(default_question(test_key, value))
    st.text_input("Question", key="cb_m_question", disabled=about == NONE)
    if about == CUSTOM:
        st.text_area("Choices, one per line", key="cb_m_choices")
    choices = [c.strip() for c in st.session_state.cb_m_choices.splitlines() if c.strip()]
    if about == CUSTOM and len(choices) < 2:
        problem = "A question of your own needs at least two choices, one per line."
    if about != NONE and not st.session_state.cb_m_question.strip():
        problem = problem or "Write the question the learners answer."
    if problem:
        st.error(problem)
    if st.button("Save the mission", key="cb_m_save", type="primary", disabled=bool(problem)):
        saved = Mission(
            title=st.session_state.cb_m_title.strip(),
            task=st.session_state.cb_m_task.strip(),
            setup=setup,
            hidden=tuple(st.session_state.cb_m_hide),
            locked=tuple(st.session_state.cb_m_lock),
            question=st.session_state.cb_m_question.strip() if about != NONE else "",
            choices=tuple(choices[:8]) if about == CUSTOM else (),
            test_key=test_key,
            test_value=value if test_key else "",
            color_by=test_key or mission.color_by,
        )
        if is_instructor(info) and store.set_mission(info.code, saved):
            asked = saved.prediction != mission.prediction and saved.asks
            st.toast(
                "Mission saved: the join link below opens it."
                + (" Learners answer the new prediction before their next Train." if asked else "")
            )
            st.rerun()
