"""Class board: a class's published runs live, colored by one setting, ranked by validation
until the instructor reveals the test scores; its mission and predictions; a projector view."""

import time

import streamlit as st

from core.classroom import board
from core.figures.board import board_curves, predictions_figure, setting_scatter
from pages.ui.classroom import (
    class_code,
    class_store,
    closes_text,
    is_instructor,
    key_form,
    linked_code_problem,
    page_url,
    set_class_code,
)
from pages.ui.mission_form import LAB_LABELS, classes_home, instructor_tools
from pages.ui.runtime import chart, presentation_mode, through_app, url_extras
from pages.ui.tables import numeric_frame, styled

REFRESH_SECONDS = 2.0
HIGHLIGHT = "background-color: #fde2c8"  # a run whose validation and test ranks differ most

through_app()  # first: a deep link opens the real app

store = class_store()
code = class_code()
info = store.get(code) if store is not None and code else None
projecting = presentation_mode() and info is not None
st.query_params.from_dict(url_extras())
if projecting:  # the whole projector: no sidebar, no header, the board only
    st.markdown(
        "<style>[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl],"
        " header[data-testid=stHeader] {display: none;}"
        " [data-testid=stMainBlockContainer] {padding: 1rem 2rem; max-width: 100%;}</style>",
        unsafe_allow_html=True,
    )
else:
    st.title("Class board")

if store is None:
    st.info("Classes need the run database: this server keeps runs in memory only (REGLAB_DB_URL).")
    st.stop()
if info is None:
    if problem := linked_code_problem():
        st.warning(problem)
    elif code:
        st.warning(f"There is no class {code}. Check the code, or create a class.")
    classes_home(store)
    key_form("cb")
    st.stop()


def project(on: bool) -> None:
    """Into or out of the projector view (a callback: before the app's toggle is drawn)."""
    st.session_state.presentation = on


instructor = is_instructor(info)
open_now = info.is_open(time.time())
join_link = page_url("training_lab", info.mission.link_query(info.code))
st.markdown(f"## {info.title} · code **{info.code}**")
if open_now:
    st.markdown(f"Join: [{join_link}]({join_link}) · {closes_text(info)}")
else:
    st.caption(closes_text(info))
if projecting:
    st.button("Leave the projector view", key="cb_unproject", on_click=project, args=(False,))
else:
    if instructor:
        instructor_tools(store, info)
    else:
        key_form("cb")
    left, right = st.columns(2)
    left.button(
        "Projector view (no sidebar, names hidden)",
        key="cb_project",
        icon=":material/present_to_all:",
        on_click=project,
        args=(True,),
    )
    right.button(
        "Open another class",
        key="cb_other",
        icon=":material/swap_horiz:",
        on_click=set_class_code,
        args=("",),
    )
    if info.mission.title or info.mission.task:
        with st.expander(f"Mission: {info.mission.title}", expanded=False):
            st.markdown(info.mission.task)


def table_view(rows: list, label: str, revealed: bool) -> None:
    frame = numeric_frame(board.table(rows, label, revealed))
    if frame.empty:
        return
    marks = [r.highlighted for r in rows]
    mark = styled(frame).apply(
        lambda row: [HIGHLIGHT if marks[row.name] else ""] * len(row), axis=1
    )
    st.dataframe(mark, hide_index=True, width="stretch")
    if revealed and any(marks):
        st.caption(
            "Highlighted: the runs whose validation rank and test rank differ most. A setting "
            "picked for its validation score can be lucky on the validation set: the held-out "
            "test set says how it really generalizes."
        )


def live_board(code: str) -> None:
    now_info = store.get(code) or info
    data = store.board(code)
    color = now_info.settings.get("color", now_info.mission.color_by)
    color = color if color in board.COLORINGS else board.COLORINGS[0]
    anonymous = projecting or bool(now_info.settings.get("anonymous", True))
    label = LAB_LABELS.get(color, color)
    rows = board.rows(data, now_info, color, anonymous)
    counts = st.columns(3)
    counts[0].metric("Joined", data.joined)
    counts[1].metric("Training now", data.training)
    counts[2].metric("Runs published", len(rows))
    height = 380 if projecting else 400  # the projector: 1920×1080 without scrolling
    left, right = st.columns(2)
    with left:
        chart(board_curves(rows, label, height), key="cb_curves")
    with right:
        chart(setting_scatter(rows, label, height, color), key="cb_scatter")
    revealed = now_info.revealed is not None
    table_view(rows, label, revealed)
    mission = now_info.mission
    if mission.asks:
        answers = store.predictions(code, now_info.mission_rev)
        result = board.tally(mission, answers, data)
        st.markdown(f"**Prediction:** {mission.question}")
        chart(
            predictions_figure(result.counts, result.showed, 200 if projecting else 260),
            key="cb_predictions",
        )
        st.caption(result.sentence)
    st.caption(
        f"Updated {time.strftime('%H:%M:%S')}" + (" · test scores revealed" if revealed else "")
    )


st.fragment(run_every=REFRESH_SECONDS if open_now else None)(live_board)(info.code)
