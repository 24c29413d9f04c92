"""The Training Lab's class box: the mission, joining under a display name, the prediction
asked once before the first Train, and Publish under a run (one click, never automatic)."""

from __future__ import annotations

import time

import streamlit as st

from core.classroom.classes import ClassInfo
from core.classroom.names import MAX_LENGTH
from core.classroom.store import ClassStore, Member
from pages.ui.classroom import class_code, class_store, closes_text, linked_code_problem
from pages.ui.runtime import owner

BOARD_PAGE = "pages/class_board.py"


def class_box() -> str:
    """The class box at the top of the Lab; why Train must wait ("" when it need not)."""
    code = class_code()
    store = class_store()
    if not code:
        if problem := linked_code_problem():
            st.warning(problem)
        return ""
    if store is None:
        st.info("Classes need the run database: this server keeps runs in memory only.")
        return ""
    info = store.get(code)
    if info is None:
        st.warning(
            f"There is no class {code}. Check the code on the board, or ask your instructor."
        )
        return ""
    with st.container(border=True):
        st.caption(f":material/groups: Class **{info.code}** · {info.title} · {closes_text(info)}")
        mission = info.mission
        if mission.title:
            st.markdown(f"**Mission: {mission.title}**")
        if mission.task:
            st.markdown(mission.task)
        member = store.member(info.code, owner())
        if member is None:
            _join_form(store, info)
            return ""
        _member_line(store, info, member)
        return _prediction(store, info)


def _join_form(store: ClassStore, info: ClassInfo) -> None:
    if not info.is_open(time.time()):
        st.info("This class has closed: its board is read-only.")
        return

    def join() -> None:
        problem = store.join(info.code, owner(), st.session_state.get("tl_cls_name", ""))
        st.session_state.tl_cls_problem = problem

    with st.form("tl_cls_form", border=False):  # the name and the click reach the server together
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.text_input(
            "Your display name on the class board",
            key="tl_cls_name",
            max_chars=MAX_LENGTH,
            help="Plain text, unique in the class. The projected board hides names by default.",
        )
        right.form_submit_button("Join the class", on_click=join, type="primary")
    if problem := st.session_state.get("tl_cls_problem"):
        st.error(problem)


def _member_line(store: ClassStore, info: ClassInfo, member: Member) -> None:
    left, middle, right = st.columns([3, 1, 1], vertical_alignment="center")
    left.markdown(f"You are in as **{member.name}**. Publish a run below to show it on the board.")
    middle.page_link(BOARD_PAGE, label="Class board", icon=":material/leaderboard:")
    if right.button("Leave", key="tl_cls_leave", help="Your published runs stay on the board."):
        store.leave(info.code, owner())
        st.rerun()


def _prediction(store: ClassStore, info: ClassInfo) -> str:
    """Ask the mission's question once (per mission); the answer stands."""
    mission = info.mission
    if not mission.asks:
        return ""
    answer = store.prediction(info.code, owner(), info.mission_rev)
    if answer is not None:
        st.caption(f":material/how_to_vote: Your prediction: {answer}")
        return ""
    st.radio(mission.question, mission.answers, index=None, key="tl_cls_answer")
    chosen = st.session_state.get("tl_cls_answer")
    if st.button("Save my prediction", key="tl_cls_predict", disabled=chosen is None):
        store.predict(info.code, owner(), info.mission_rev, chosen)
        st.rerun()
    return "Answer the mission's prediction (in the class box above) before your first run."


def publish_control(job) -> None:
    """Under a shown run: Publish it to the class (or take it back)."""
    code, store = class_code(), class_store()
    if not code or store is None or job is None or not job.history:
        return
    member, info = store.member(code, owner()), store.get(code)
    if member is None or info is None:
        return
    on_board = job.key in store.published_keys(code, owner())
    if not info.is_open(time.time()):  # a closed board stays as it was
        if on_board:
            st.caption(f":material/lock: {job.id} is on the closed board of class {code}.")
        return
    if on_board:
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.success(f"{job.id} is on the class board of {code}.", icon=":material/check:")
        if right.button("Unpublish", key="tl_cls_unpublish"):
            store.unpublish(code, owner(), job.key)
            st.rerun()
        return
    if st.button(
        f"Publish {job.id} to class {code}", key="tl_cls_publish", icon=":material/upload:"
    ):
        if problem := store.publish(code, owner(), job.key):
            st.error(problem)
        else:
            st.rerun()
