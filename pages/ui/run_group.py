"""Queue a few Training Lab runs from a concept page and overlay their curves live."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.data.course_data import configured_folder
from core.figures.repeats import band_figure
from core.figures.summary import groups_summary
from core.jobs.contract import TrainingPayload
from core.lab.config import TrainingConfig
from core.runs.repeats import (
    METHOD,
    Group,
    group_table,
    groups_of,
    seed_label,
    seeded,
    verdict,
)
from pages.ui.run_view import metric_choice
from pages.ui.runtime import chart, job_manager, new_group, owner, submit


def queue(group: str, runs: tuple[tuple[str, TrainingConfig], ...], seeds: int = 1) -> None:
    """Submit every run (once per seed) to the job pool; the group remembers their ids."""
    ids = []
    for label, config in runs:
        repeats = new_group() if seeds > 1 else ""
        for seed_config in seeded(config, seeds):
            payload = TrainingPayload(seed_config, configured_folder())
            ids.append(submit(payload, seed_label(label, seed_config, seeds), group=repeats))
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
    settings = groups_of(jobs)
    chart(
        band_figure(settings, metric),
        key=f"{group}_overlay",
        summary=groups_summary(settings, metric),
    )
    settings_table(settings, jobs)


def settings_table(settings: list[Group], jobs: list) -> None:
    """Each setting's mean ± std over its seeds; once all ended, each against the first."""
    st.dataframe(pd.DataFrame(group_table(settings)), hide_index=True)
    if len(settings) > 1 and not any(s.active for s in settings):
        for other in settings[1:]:
            result = verdict(settings[0], other)
            (st.success if result.real else st.info)(result.sentence)
        st.caption(METHOD)
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
