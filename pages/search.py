"""Hyperparameter search: an Optuna study in the background, its trials and charts live."""

import pandas as pd
import streamlit as st

from core.data.course_data import configured_folder
from core.data.datasets import DATASETS
from core.figures.search import optuna_figures, trial_curves_figure
from core.jobs.contract import SEARCH_TASK, SearchPayload
from core.lab.config import OPTIMIZERS
from core.lab.search import (
    BATCH_SIZES,
    OBJECTIVES,
    SAMPLERS,
    SearchSpace,
    best_record,
    config_for_params,
    grid_size,
    search_problems,
    shown_trials,
    trials_table,
)
from pages.ui import page_state, run_view
from pages.ui.controls import controls
from pages.ui.lab_state import open_in_lab
from pages.ui.runtime import (
    chart,
    job_manager,
    markdown,
    owner,
    resumed,
    run_again,
    submit,
    through_app,
)

through_app()  # first: a deep link opens the real app

STOP_GRACE = 600.0  # seconds a study may take to finish its current trial after Stop

st.title("Hyperparameter search")
manager, me = job_manager(), owner()
page_state.start("se", SearchSpace)
markdown("search_intro")


def pair(label: str, low: str, high: str, lo, hi, **options) -> None:
    st.sidebar.caption(label)
    c1, c2 = controls(st.sidebar).columns(2)
    c1.number_input("from", lo, hi, key=f"se_{low}", **options)
    c2.number_input("to", lo, hi, key=f"se_{high}", **options)


sb = controls(st.sidebar)
sb.header("Data")
sb.selectbox("Dataset", list(DATASETS), key="se_dataset", format_func=lambda n: DATASETS[n].title)
sb.number_input("Training subset (0 = all)", 0, 100_000, step=100, key="se_train_subset")
sb.header("Search space")
pair("Hidden layers", "layers_min", "layers_max", 1, 6, step=1)
pair("Units per layer (log scale)", "units_min", "units_max", 1, 4096, step=8)
sb.checkbox(
    "Units per layer",
    key="se_per_layer_units",
    help="Off: one unit count for every layer. On: each layer its own (funnels like 128 → 64).",
)
pair("Learning rate (log scale)", "lr_min", "lr_max", 1e-6, 10.0, format="%.5f")
sb.slider("Largest dropout", 0.0, 0.9, step=0.05, key="se_dropout_max")
sb.number_input("Largest L2 λ (log scale; 0 = no L2)", 0.0, 1.0, format="%.4f", key="se_l2_max")
sb.number_input(
    "Largest weight decay (log scale; 0 = none)",
    0.0,
    1.0,
    format="%.4f",
    key="se_wd_max",
    help="The optimizer's weight_decay (Adam + it = AdamW), searched beside the L2 loss term.",
)
sb.multiselect("Optimizers", list(OPTIMIZERS), key="se_optimizers", format_func=OPTIMIZERS.get)
sb.multiselect("Batch sizes", list(BATCH_SIZES), key="se_batch_sizes")
pair("Epochs", "epochs_min", "epochs_max", 1, 500, step=1)
sb.header("Search")
sb.radio("Objective", list(OBJECTIVES), key="se_objective", format_func=OBJECTIVES.get)
sb.radio("Sampler", SAMPLERS, key="se_sampler", horizontal=True, format_func=str.upper)
sb.number_input("Trials", 1, 500, step=5, key="se_trials")
sb.checkbox("Prune bad trials (median pruner)", key="se_pruning")
sb.number_input("Seed", 0, 2**31 - 1, step=1, key="se_seed")
space = page_state.read(
    "se",
    SearchSpace,
    optimizers=tuple(st.session_state.se_optimizers),
    batch_sizes=tuple(st.session_state.se_batch_sizes),
)
page_state.save("se", space)
if space.sampler == "grid":
    sb.caption(
        f"Grid: {grid_size(space):,} combinations (3 values per range, both ends of dropout "
        f"and L2); the study tries {min(space.trials, grid_size(space)):,} of them."
    )
errors = search_problems(space)
for error in errors:
    st.error(error)

selected = resumed(manager.jobs(me, SEARCH_TASK), "se_run")
b1, b2, _ = controls().columns([1, 1, 2])
if b1.button("Start search", type="primary", disabled=bool(errors), key="se_start"):
    label = f"{space.trials} {space.sampler.upper()} trials on {space.dataset}"
    payload = SearchPayload(space, configured_folder())
    run_id = submit(payload, label, stop_grace=STOP_GRACE)
    selected = st.session_state.se_run = run_id or selected
current = manager.snapshot(me, selected) if selected else None
stopping = bool(current and current.active and current.stop_requested)
if b2.button(
    "Stop now" if stopping else "Stop after this trial",
    disabled=not (current and current.active),
    key="se_stop",
    help="The study ends once the trial in progress finishes; press again to end it now.",
):
    manager.stop(me, selected, now=stopping)
    st.rerun()


@st.cache_data(max_entries=8, show_spinner=False)
def cached_figures(records: list[dict]):
    return optuna_figures(records)


def live(run_id: str, was_active: bool) -> None:
    job = manager.snapshot(me, run_id)
    if job is None:
        return
    run_view.status_line(job, lambda again: run_again(again, "se_run"))
    records = shown_trials(job.live, job.result, job.active)
    states = {r["number"]: r["state"] for r in records}
    if job.history:
        chart(trial_curves_figure(job.history, states, job.active), key="se_curves")
    if records:
        st.dataframe(pd.DataFrame(trials_table(records)), hide_index=True, key="se_table")
        figures = cached_figures(records)
        for tab, (title, figure) in zip(st.tabs(list(figures)), figures.items(), strict=True):
            with tab:
                if isinstance(figure, str):
                    st.caption(figure)
                else:
                    chart(figure, key=f"se_{title}")
    if was_active and not job.active:
        st.rerun()


def best_trial(job) -> None:
    best = best_record(shown_trials(job.live, job.result, job.active))
    if best is None:
        return
    config = config_for_params(best["params"], job.payload.space)
    st.subheader(f"Best trial: #{best['number']}, validation loss {best['value']:.4f}")
    st.write(
        f"{len(config.units)} × {config.units[0]} units · {config.optimizer} "
        f"lr {config.learning_rate:g} · dropout {config.dropout[0]:g} · L2 {config.l2[0]:g} · "
        f"batch {config.batch_size} · {config.epochs} epochs"
    )
    if st.button("Open best in Training Lab", key="se_open_best", type="primary"):
        open_in_lab(config)


if current is not None:
    st.fragment(run_every=1.0 if current.active else None)(live)(current.id, current.active)
    best_trial(current)
