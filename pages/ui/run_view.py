"""Draw one run: status, live curves and decision boundary, then test results and downloads."""

from __future__ import annotations

import re
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from core.figures import runs as plots
from core.figures.summary import curve_summary, groups_summary
from core.jobs.contract import TestScores, training_result
from core.jobs.records import JobRecord
from core.lab.config import TrainingConfig
from core.runs.records import history_csv, run_json, zip_folder

STATUS_TEXT = {
    "queued": "Queued",
    "running": "Running",
    "finished": "Finished",
    "stopped": "Stopped",
    "failed": "Failed",
    "diverged": "Diverged",
    "interrupted": "Interrupted",
}


def escape_markdown(text: str) -> str:
    """Text from a file or a learner, shown literally inside Markdown (no links, no images)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


def wait_text(seconds: float) -> str:
    return f"{max(1, round(seconds))} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def status_line(job: JobRecord, run_again=None) -> None:
    """The run's state in one line; an interrupted run offers `run_again(job)` in one click."""
    text = f"**{STATUS_TEXT[job.status]}** — {escape_markdown(job.label)}"
    if job.status == "queued":
        text += f" · position {job.queue_position} in the queue"
        if job.estimated_wait is not None:
            text += f", starts in about {wait_text(job.estimated_wait)}"
    if job.status == "running" and job.stop_requested:
        text += " · stopping…"
    elif job.status == "running":
        text += _turns_text(job)
    if job.elapsed:
        text += f" · {job.elapsed:.1f} s"
    if job.status in ("failed", "diverged"):
        st.error(f"{text}\n\n{escape_markdown(job.reason)}")
    elif job.status == "stopped":
        st.warning(f"{text}. {escape_markdown(job.reason)}")
    elif job.status == "interrupted":
        st.warning(f"{text}. {escape_markdown(job.reason)}", icon=":material/restart_alt:")
        if run_again is not None and st.button(
            "Run again", key=f"again_{job.id}", icon=":material/replay:", type="primary"
        ):
            run_again(job)
    elif job.status == "finished":
        st.success(text)
    else:
        st.info(text)
    progress = job.progress
    if job.status == "running" and progress.get("epochs"):
        st.progress(*_progress(progress))


def _turns_text(job: JobRecord) -> str:
    """A shared worker says so, with the time left at the speed measured so far."""
    text = ""
    if job.turns_with:
        others = "1 other" if job.turns_with == 1 else f"{job.turns_with} others"
        text = f" · training in turns with {others}"
    if job.estimated_left is not None and job.history:
        text += f" · about {wait_text(job.estimated_left)} left"
    return text


def _progress(progress: dict) -> tuple[float, str]:
    """Fraction done and its text; jobs that train several models (folds, trials) say which."""
    epoch, epochs = max(progress.get("epoch", 1), 1), progress["epochs"]
    batch, steps = progress.get("batch", 0), max(progress.get("steps", 1), 1)
    model, models = progress.get("model", 1), progress.get("models", 1)
    within = (epoch - 1 + batch / steps) / epochs
    text = f"epoch {min(epoch, epochs)}/{epochs} · batch {batch}/{steps}"
    if "stage" in progress:
        text = f"{progress['stage']} · {text}"
    if models > 1:
        text = f"{progress.get('unit', 'model')} {model}/{models} · {text}"
    return min(1.0, (model - 1 + within) / models), text


def curves(job: JobRecord, chart, key: str) -> None:
    chart = partial(chart, name=job.id)  # downloads named after the run
    config: TrainingConfig = job.payload.config
    if not job.history:
        st.caption("The first epoch includes Keras' one-off graph tracing (about 2–3 s).")
        return
    span = config.epochs if job.active else 0  # once ended: the epochs it actually ran
    left, right = st.columns(2)
    with left:
        chart(
            plots.curves_figure(job.history, "loss", total_epochs=span),
            key=f"{key}_loss",
            summary=curve_summary(job.history, "loss"),
        )
    with right:
        chart(
            plots.curves_figure(job.history, "accuracy", total_epochs=span),
            key=f"{key}_acc",
            summary=curve_summary(job.history, "accuracy"),
        )
    if config.early_stopping:
        st.caption(
            f"**Early stopping** watches `{config.es_monitor}` (Keras' val_loss includes any "
            f"L1/L2 penalty) and stops after {config.es_patience} epochs in a row without an "
            f"improvement of more than {config.es_min_delta:g} (min_delta); "
            + (
                "restore_best_weights then puts back the weights of its best epoch."
                if config.es_restore_best
                else "without restore_best_weights the model keeps the last epoch's weights."
            )
            + " The dotted green line marks the lowest validation data loss."
        )
    last = job.history[-1]
    cols = st.columns(4)
    cols[0].metric("train loss (data)", f"{last['data_loss']:.4f}")
    cols[1].metric(
        "validation loss (data)",
        f"{last['val_data_loss']:.4f}",
        delta=f"gap {last['val_data_loss'] - last['data_loss']:+.4f}",
        delta_color="off",
        delta_arrow="off",  # a gap, not a change: no arrow up beside a negative number
    )
    cols[2].metric("validation accuracy", f"{last['val_accuracy']:.2%}")
    if config.uses_penalty:
        cols[3].metric(
            "L1/L2 penalty",
            f"{last['penalty']:.4f}",
            help="Keras adds this to the loss it reports; the curves show the data part.",
        )
    if "boundary" in job.live and "points" in job.live:
        points = job.live["points"]
        chart(
            plots.boundary_figure(
                job.live["boundary"], np.asarray(points["x"]), np.asarray(points["y"])
            ),
            key=f"{key}_boundary",
        )


def accuracy_change(new: float, old: float) -> str | None:
    """'+1.25%' or '−0.50%' (its arrow follows the sign); None when it rounds to no change."""
    change = new - old
    return None if round(change * 100, 2) == 0 else f"{change:+.2%}"


def results(job: JobRecord, chart) -> None:
    chart = partial(chart, name=job.id)
    config: TrainingConfig = job.payload.config
    result = training_result(job.result)
    if result is None:
        return
    st.subheader("Test set (never seen in training)")
    last, best = result.test_last, result.test_best
    cols = st.columns(3)
    cols[0].metric("test accuracy, last epoch", f"{last.accuracy:.2%}")
    cols[1].metric(
        f"test accuracy, best checkpoint (epoch {result.best_epoch})",
        f"{best.accuracy:.2%}",
        delta=accuracy_change(best.accuracy, last.accuracy),
    )
    cols[2].metric("test loss (data), last → best", f"{last.data_loss:.3f} → {best.data_loss:.3f}")
    if result.early_stopped:
        st.caption(
            f"Early stopping ended training after {result.epochs_run} epochs"
            + ("; the best weights were restored." if result.restored_best else ".")
        )
    if result.test_restored is not None:
        st.caption(
            f"EarlyStopping restored its own best epoch, which differs from the marked one (it "
            f"monitors val_loss with the L1/L2 penalty, and min_delta): test accuracy of the "
            f"restored model {result.test_restored.accuracy:.2%}."
        )
    final = result.final_scores
    tabs = st.tabs(["Confusion matrix", "Misclassified", "Weights"])
    with tabs[0]:
        chart(plots.confusion_figure(final.confusion, config.info.class_names), key="confusion")
    with tabs[1]:
        _misclassified(config, final, chart)
    with tabs[2]:
        if result.weight_history:
            chart(plots.weight_history_figure(result.weight_history), key="weight_history")
        chart(plots.weights_figure(result.weights), key="weights")
        st.dataframe(
            pd.DataFrame(result.weights).drop(columns=["counts", "edges"], errors="ignore"),
            hide_index=True,
        )
        st.caption(
            "**L1** pushes many weights to (almost) exactly zero; **L2** shrinks all of "
            "them toward zero without zeroing them. The heatmap shows each layer's weight "
            "distribution after every epoch (like TensorBoard's distributions; the middle row "
            "is zero): watch L1 gather weights there while L2 narrows the whole band."
        )


def _misclassified(config: TrainingConfig, report: TestScores, chart) -> None:
    wrong = report.misclassified
    if not wrong:
        st.write("No test example was misclassified.")
        return
    names = config.info.class_names
    images = report.misclassified_images
    if images:
        shown = wrong[: len(images)]
        titles = [f"{names[w['true']]}→{names[w['predicted']]}" for w in shown]
        chart(plots.images_grid_figure(np.asarray(images), titles), key="misclassified")
        st.caption("Caption: true → predicted.")
    else:
        rows = [
            {
                "index": w["index"],
                "true": names[w["true"]],
                "predicted": names[w["predicted"]],
                **({"review (first words)": w["text"]} if "text" in w else {}),
            }
            for w in wrong
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        if any("text" in w for w in wrong):
            st.caption(
                "Test reviews the model got wrong, decoded as the notebook does (? is a "
                "word outside the vocabulary)."
            )


def downloads(job: JobRecord) -> None:
    c1, c2 = st.columns(2)
    c1.download_button(
        "History (CSV)", history_csv(job), f"{job.id}.csv", "text/csv", key=f"csv_{job.id}"
    )
    c2.download_button(
        "Run (JSON)", run_json(job), f"{job.id}.json", "application/json", key=f"json_{job.id}"
    )
    result = training_result(job.result)
    logs = result.tensorboard_dir if result else None
    if logs and (archive := zip_folder(logs)):
        st.download_button(
            "TensorBoard logs (zip)", archive, f"{job.id}-tensorboard.zip", key=f"tb_{job.id}"
        )
        st.caption("View them with TensorBoard (unzip first if downloaded):")
        st.code(f"tensorboard --logdir {logs}", language="bash")


def metric_choice(key: str) -> str:
    """Which curves to overlay: validation loss (data part) or validation accuracy."""
    names = {"val_data_loss": "loss", "val_accuracy": "accuracy"}
    return st.radio("Metric", tuple(names), horizontal=True, key=key, format_func=names.get)


def seed_band(runs: list[JobRecord], job: JobRecord, chart, key: str) -> None:
    """When the run is one of several seeds of one setting: their mean and band, live."""
    from core.figures.repeats import band_figure
    from core.runs.repeats import groups_of, spread_text

    group = next((g for g in groups_of(runs) if job.key in {r.key for r in g.runs}), None)
    if group is None or group.seeds < 2:
        return
    chart(
        band_figure([group], "val_data_loss"),
        key=key,
        summary=groups_summary([group], "val_data_loss"),
    )
    st.caption(
        f"{group.seeds} seeds of this setting; best validation loss "
        f"{spread_text(group)} (mean ± std over the seeds that finished)."
    )
