"""Queue a few Training Lab runs from a concept page and overlay their curves live."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.data.course_data import configured_folder
from core.figures.runs import overlay_figure
from core.jobs.contract import TrainingPayload
from core.lab.config import TrainingConfig
from core.runs.records import run_table
from pages.ui.run_view import metric_choice
from pages.ui.runtime import chart, job_manager, owner, submit


def queue(group: str, runs: tuple[tuple[str, TrainingConfig], ...]) -> None:
    """Submit every run to the job pool; the group remembers their ids for this session."""
    ids = [submit(TrainingPayload(config, configured_folder()), label) for label, config in runs]
    st.session_state.setdefault("concept_groups", {})[group] = [i for i in ids if i]


def lab_links(runs: tuple[tuple[str, TrainingConfig], ...]) -> None:
    """One link per run that opens the Training Lab in exactly that setup."""
    for label, config in runs:
        st.page_link(
            "pages/training_lab.py",
            label=f"Open in the Training Lab: {label}",
            icon=":material/open_in_new:",
            query_params=config.to_query(),
        )


def _overlay(group: str, run_ids: list[str]) -> None:
    manager, me = job_manager(), owner()
    jobs = [job for job in (manager.snapshot(me, i) for i in run_ids) if job is not None]
    metric = metric_choice(f"{group}_metric")
    chart(overlay_figure([(j.label, j.history) for j in jobs], metric), key=f"{group}_overlay")
    st.dataframe(pd.DataFrame(run_table(jobs)), hide_index=True)
    for job in jobs:
        if job.status in ("failed", "diverged"):
            st.error(f"{job.label}: {job.reason}")


def show(group: str) -> None:
    """The group's live overlay and table, refreshed while any of its runs is active."""
    run_ids = st.session_state.get("concept_groups", {}).get(group)
    if not run_ids:
        return
    manager, me = job_manager(), owner()
    active = any((job := manager.snapshot(me, i)) is not None and job.active for i in run_ids)
    st.fragment(run_every=1.0 if active else None)(_overlay)(group, run_ids)


def slips(items: tuple[tuple[str, str], ...]) -> None:
    """'The notes say / in fact' boxes for the seeds' slips on this topic."""
    with st.expander("Where the course notes slip", expanded=False):
        for said, fact in items:
            st.markdown(f"**The notes say:** {said}\n\n**In fact:** {fact}")
