"""Lecture experiments: one click queues the course's comparison runs and overlays them live."""

import pandas as pd
import streamlit as st

from core.data.course_data import configured_folder
from core.figures.runs import overlay_figure
from core.jobs.contract import TrainingPayload
from core.lab.presets import PRESETS, duration_text
from core.runs.course_reference import reference_lines
from core.runs.records import run_table
from pages.ui import page_state
from pages.ui.run_view import metric_choice
from pages.ui.runtime import chart, job_manager, owner, submit, through_app

through_app()  # first: a deep link opens the real app

page_state.no_settings()

st.title("Lecture experiments")
st.markdown(
    "Each experiment queues a few runs that differ in **one** thing and overlays their curves. "
    "**Quick** shrinks them (fewer epochs, a training subset) to finish in about a minute; "
    "**course size** reproduces the lecture."
)
manager, me = job_manager(), owner()
key = st.selectbox(
    "Experiment", list(PRESETS), format_func=lambda k: PRESETS[k].title, key="ex_preset"
)

preset = PRESETS[key]
size = st.radio("Size", ("quick", "course size"), horizontal=True, key="ex_size")
st.caption(duration_text(preset, quick=size == "quick"))
st.info(f"**What to notice:** {preset.notice}")
if preset.source:
    st.caption(f"From the course: {preset.source}.")
groups = st.session_state.setdefault("ex_groups", {})
if st.button("Run experiment", type="primary", key="ex_run"):
    submitted = [
        submit(TrainingPayload(config, configured_folder()), label)
        for label, config in preset.configs(quick=size == "quick")
    ]
    groups[key] = [run_id for run_id in submitted if run_id]


def overlay(run_ids: list[str]) -> None:
    jobs = [job for job in (manager.snapshot(me, i) for i in run_ids) if job is not None]
    metric = metric_choice("ex_metric")
    runs = [(job.label, job.history) for job in jobs]
    course = reference_lines(list(preset.course))
    chart(overlay_figure(runs, metric, course), key="ex_overlay")
    if course:
        st.caption("Grey lines: the course's own printed runs (assets/course_logs.csv).")
    st.dataframe(pd.DataFrame(run_table(jobs)), hide_index=True)
    for job in jobs:
        if job.status in ("failed", "diverged"):
            st.error(f"{job.label}: {job.reason}")


if key in groups:
    active = any((job := manager.snapshot(me, i)) is not None and job.active for i in groups[key])
    st.fragment(run_every=1.0 if active else None)(overlay)(groups[key])
