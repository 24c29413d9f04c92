"""Training Lab: configure a Keras model, train it in the background, watch live curves."""

import pandas as pd
import streamlit as st

from core.data.course_data import configured_folder
from core.jobs.contract import TRAINING_TASK, TrainingPayload, training_result
from core.lab.checks import problems
from core.lab.estimate import estimate_text, measured_scale
from core.lab.keras_snippet import keras_code
from core.lab.model_summary import shape_problem, summarize
from core.runs.records import describe, run_table
from core.runs.repeats import seed_label, seeded
from pages.ui import run_view
from pages.ui.class_panel import class_box, publish_control
from pages.ui.data_preview import data_preview, dataset_missing
from pages.ui.lab_state import share_config
from pages.ui.run_view import seed_band
from pages.ui.runtime import (
    chart,
    job_manager,
    markdown,
    new_group,
    owner,
    repeats_input,
    resumed,
    run_again,
    seeds_query,
    submit,
    through_app,
    url_extras,
)
from pages.ui.tables import number_table
from pages.ui.training_widgets import start_config, training_sidebar

through_app()  # first: a deep link opens the real app

st.title("Training Lab")
manager, me = job_manager(), owner()
class_wait = class_box()  # a class's mission, joining, its prediction (asked before Train)

start_config("tl")
config = training_sidebar()
share_config(config)
seeds = repeats_input("tl_seeds", container=st.sidebar)
st.query_params.from_dict({**url_extras(), **config.to_query(), **seeds_query(seeds)})

errors = problems(config)
model_ok = not errors
if not config.info.embedded and (missing := dataset_missing(config.dataset)):
    errors.append(missing)
if not errors and config.is_cnn and (message := shape_problem(config)):
    errors.append(message)
for error in errors:
    st.error(error)

runs = manager.jobs(me, TRAINING_TASK)
measured = [
    (job.payload.config, result.sizes["train"], [h["seconds"] for h in job.history])
    for job in runs
    if job.status == "finished" and (result := training_result(job.result)) and result.sizes
]
scale = manager.speed_scale() or measured_scale(measured)  # this server's workers, measured
if not errors and (estimate := estimate_text(config, scale)):  # only for a run that can start
    st.info(estimate, icon=":material/schedule:")
selected = resumed(runs, "tl_run")
left, middle, right = st.columns([1, 1, 3])
if left.button("Train", type="primary", disabled=bool(errors or class_wait), key="tl_train"):
    group = new_group() if seeds > 1 else ""
    ids = [
        submit(
            TrainingPayload(seed_config, configured_folder()),
            seed_label(describe(config), seed_config, seeds),
            group=group,
        )
        for seed_config in seeded(config, seeds)
    ]
    if ids and ids[0]:
        st.session_state.tl_run = selected = ids[0]
        runs = manager.jobs(me, TRAINING_TASK)
if class_wait:
    st.caption(f":material/how_to_vote: Train waits: {class_wait}")
current = manager.snapshot(me, selected) if selected else None
if middle.button("Stop", disabled=not (current and current.active), key="tl_stop"):
    manager.stop(me, selected)
others = [job for job in runs if job.active and job.id != selected]
if others:  # every run still training is in sight, each with its own Stop
    with st.container(border=True):
        st.caption(f":material/sync: Also training: {len(others)} more of your runs.")
        for job in others:
            done = (
                f"epoch {len(job.history)}/{job.payload.config.epochs}"
                if job.history
                else job.status
            )
            name, show, stop = st.columns([4, 1, 1], vertical_alignment="center")
            name.write(f"**{job.id}** · {job.label} · {done}")
            if show.button("Show", key=f"tl_show_{job.id}"):
                st.session_state.tl_run = job.id
                st.rerun()
            if stop.button("Stop", key=f"tl_stop_{job.id}"):
                manager.stop(me, job.id)
                st.rerun()
        if st.button("Stop all my runs", key="tl_stop_all", icon=":material/stop_circle:"):
            for job in [*others, *([current] if current and current.active else [])]:
                manager.stop(me, job.id)
            st.rerun()
pool = manager.status()
right.caption(
    f"Workers: {pool['busy']}/{pool['workers']} busy · {pool['queued']} queued"
    + ("" if pool["ready"] else " · starting TensorFlow in the workers…")
)
if pool["broken"]:
    st.error(pool["broken"])

with st.expander("Data preview", expanded=False):
    data_preview(config, chart)

with st.expander("Model summary", expanded=False):
    summary = summarize(config)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "layer": r.name,
                    "type": r.kind,
                    "output shape": r.shape_text,
                    "params": r.params,
                    "details": r.detail,
                }
                for r in summary.rows
            ]
        ),
        hide_index=True,
    )
    st.write(f"Total params: **{summary.total_params:,}** (trainable {summary.trainable_params:,})")


def show_picked_run() -> None:
    if st.session_state.tl_pick:
        st.session_state.tl_run = st.session_state.tl_pick


def live_run(run_id: str, was_active: bool) -> None:
    job = manager.snapshot(me, run_id)
    if job is None:
        return
    run_view.status_line(job, lambda again: run_again(again, "tl_run"))
    run_view.curves(job, chart, key="live")
    seed_band(manager.jobs(me, TRAINING_TASK), job, chart, key="live_band")
    if was_active and not job.active:
        st.rerun()  # the run just ended: redraw the whole page with its results


if current is not None:
    st.fragment(run_every=0.5 if current.active else None)(live_run)(current.id, current.active)
    if not current.active:
        run_view.results(current, chart)
        if current.history:  # a run that failed before its first epoch has nothing to save
            run_view.downloads(current)
    publish_control(current)  # a running run can be published too: the board draws it live
else:
    markdown("training_lab_intro")

with st.expander("Show the Keras code"):
    st.code(keras_code(config), language="python")

if runs:
    st.subheader("Run history")
    number_table(run_table(list(reversed(runs))))
    ids = [job.id for job in reversed(runs)]
    # The selector names the run on screen, or none: picking any run (even the only one) shows it.
    st.session_state.tl_pick = selected if selected in ids else None
    st.selectbox(
        "Show run", ids, key="tl_pick", placeholder="Pick a run to show", on_change=show_picked_run
    )
