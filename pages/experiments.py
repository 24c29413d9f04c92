"""Lecture experiments: one click queues the course's comparison runs and overlays them live."""

import streamlit as st

from core.data.course_data import configured_folder
from core.figures.repeats import band_figure
from core.figures.summary import groups_summary
from core.jobs.contract import TrainingPayload
from core.lab.presets import (
    METRICS,
    PRESETS,
    SIZES,
    ExperimentView,
    default_seeds,
    duration_text,
    seed_check,
    seeds_text,
)
from core.runs.course_reference import reference_lines
from core.runs.repeats import METHOD, groups_of, seed_label, seeded
from pages.ui import page_state
from pages.ui.controls import controls
from pages.ui.run_group import settings_table
from pages.ui.runtime import chart, job_manager, new_group, owner, submit, through_app

through_app()  # first: a deep link opens the real app

st.title("Lecture experiments")
st.markdown(
    "Each experiment queues a few runs that differ in **one** thing and overlays their curves. "
    "**Quick** shrinks them (fewer epochs, a training subset) to finish in about a minute; "
    "**course size** reproduces the lecture."
)
manager, me = job_manager(), owner()
page_state.start("ex", ExperimentView)  # a link's preset, size and metric; kept across pages
key = controls().selectbox(
    "Experiment", list(PRESETS), format_func=lambda k: PRESETS[k].title, key="ex_preset"
)

preset = PRESETS[key]
left, right = controls().columns([2, 1])
size = left.radio("Size", tuple(SIZES), horizontal=True, key="ex_size", format_func=SIZES.get)
quick = size == "quick"
if st.session_state.get("ex_seeds_for") != (key, quick):  # a new experiment's own default
    st.session_state.ex_seeds_for = (key, quick)
    st.session_state.ex_seeds = default_seeds(key, quick)
seeds = int(
    right.number_input(
        "Seeds", 1, 10, step=1, key="ex_seeds",
        help="Each run once per seed: the chart shows their mean and band, and each setting "
        "is compared with the first beyond (or within) the seeds' spread.",
    )
)  # fmt: skip
st.caption(duration_text(preset, quick=quick) + seeds_text(key, seeds, quick))
st.info(f"**What to notice:** {preset.notice}")
if quick and (checked := seed_check(key)):
    with st.expander("Does it hold beyond seed noise? Measured with 3 seeds at quick size"):
        st.markdown("\n".join(f"- {sentence}" for sentence in checked))
        st.caption(f"`python bench/check_presets.py --seeds 3`. {METHOD}")
if preset.source:
    st.caption(f"From the course: {preset.source}.")
groups = st.session_state.setdefault("ex_groups", {})
if st.button("Run experiment", type="primary", key="ex_run"):
    submitted = []
    for label, config in preset.configs(quick=quick):
        group = new_group() if seeds > 1 else ""
        for seed_config in seeded(config, seeds):
            payload = TrainingPayload(seed_config, configured_folder())
            submitted.append(submit(payload, seed_label(label, seed_config, seeds), group=group))
    groups[key] = [run_id for run_id in submitted if run_id]


metric = controls().radio(
    "Metric", tuple(METRICS), horizontal=True, key="ex_metric", format_func=METRICS.get
)
page_state.save("ex", page_state.read("ex", ExperimentView))  # the URL names what is shown


def overlay(run_ids: list[str]) -> None:
    jobs = [job for job in (manager.snapshot(me, i) for i in run_ids) if job is not None]
    settings = groups_of(jobs)
    chart(
        band_figure(settings, metric, course=reference_lines(list(preset.course))),
        key="ex_overlay",
        summary=groups_summary(settings, metric),
    )
    if preset.course:
        st.caption("Grey lines: the course's own printed runs (assets/course_logs.csv).")
    settings_table(settings, jobs)


if key in groups:
    active = any((job := manager.snapshot(me, i)) is not None and job.active for i in groups[key])
    st.fragment(run_every=1.0 if active else None)(overlay)(groups[key])
