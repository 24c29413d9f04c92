"""K-fold figures: every fold's curve, their average in bold with a ±1 std band, the best epoch."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.figures.style import BLACK, GREEN, TRAIN_DASH, VAL_DASH, VERMILLION, layout, run_color
from core.lab.kfold import FoldAverage, fold_curves

AVERAGE_COLOR = BLACK
LABELS = {
    "val_data_loss": "validation loss",
    "data_loss": "train loss",
    "val_accuracy": "validation accuracy",
    "accuracy": "train accuracy",
}


def _band(fig: go.Figure, mean: np.ndarray, std: np.ndarray, color: str, name: str) -> None:
    epochs = np.arange(1, len(mean) + 1)
    fig.add_scatter(
        x=np.r_[epochs, epochs[::-1]].tolist(),
        y=np.r_[mean + std, (mean - std)[::-1]].tolist(),
        fill="toself",
        fillcolor=color,
        line={"width": 0},
        hoverinfo="skip",
        name=name,
    )


def _mark_best(fig: go.Figure, average: FoldAverage) -> None:
    """The lowest average, once there is an average: one fold is no average to claim it from."""
    best = average.best_index
    if best is not None and average.folds >= 2:
        fig.add_vline(
            x=best + 1,
            line={"color": GREEN, "dash": "dot"},
            annotation_text=f"lowest average: epoch {best + 1}",
            annotation_position="top left",
        )


def folds_figure(
    history: list[dict], average: FoldAverage, metric: str = "val_data_loss", epochs: int = 0
) -> go.Figure:
    """One thin line per fold (live), then the folds' average in bold with a ±1 std band."""
    fig = go.Figure()
    curves = fold_curves(history, metric)
    repeats = len({repeat for repeat, _ in curves})
    for number, ((repeat, fold), values) in enumerate(sorted(curves.items())):
        name = f"fold {fold + 1}" + (f" · rep {repeat + 1}" if repeats > 1 else "")
        fig.add_scatter(
            x=list(range(1, len(values) + 1)),
            y=list(values),
            name=name,
            line={"color": run_color(number), "width": 1.5},
            opacity=0.75,
        )
    if metric in average.mean and average.folds >= 2:
        mean, std = average.mean[metric], average.std[metric]
        _band(fig, mean, std, "rgba(0,0,0,0.12)", "±1 std")
        fig.add_scatter(
            x=list(range(1, len(mean) + 1)),
            y=mean.tolist(),
            name=f"average of {average.folds} folds",
            line={"color": AVERAGE_COLOR, "width": 5},
        )
    _mark_best(fig, average)
    label = LABELS[metric]
    layout(fig, f"{label.capitalize()} of each fold", "epoch", label, height=420)
    if epochs:
        fig.update_xaxes(range=[0.5, epochs + 0.5])
    return fig


def average_train_val_figure(average: FoldAverage, kind: str = "loss") -> go.Figure:
    """Average train (dashed) vs average validation (solid) over the folds, best epoch marked."""
    fig = go.Figure()
    train_key, val_key = (
        ("data_loss", "val_data_loss") if kind == "loss" else ("accuracy", "val_accuracy")
    )
    for key, dash, color in (
        (train_key, TRAIN_DASH, run_color(0)),
        (val_key, VAL_DASH, VERMILLION),
    ):
        if key not in average.mean:
            continue
        mean, std = average.mean[key], average.std[key]
        _band(fig, mean, std, "rgba(127,127,127,0.12)", f"{LABELS[key]} ±1 std")
        fig.add_scatter(
            x=list(range(1, len(mean) + 1)),
            y=mean.tolist(),
            name=f"average {LABELS[key]}",
            line={"color": color, "dash": dash, "width": 3},
        )
    _mark_best(fig, average)
    layout(fig, f"Average train vs validation {kind}", "epoch", kind, height=420)
    return fig


def final_model_figure(history: list[dict]) -> go.Figure:
    """The final model's training curve (all the reduced set, best_epoch + 1 epochs): the
    notebook's `final_model.fit(..., verbose=1)` log, drawn. There is no validation here."""
    final = [h for h in history if h.get("part") == "final"]
    epochs = [h["epoch"] for h in final]
    fig = go.Figure()
    fig.add_scatter(x=epochs, y=[h["data_loss"] for h in final], name="train loss (data)")
    fig.add_scatter(
        x=epochs,
        y=[h["accuracy"] for h in final],
        name="train accuracy",
        yaxis="y2",
        line={"dash": TRAIN_DASH},
    )
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "title": "accuracy"})
    return layout(fig, "Final model: training on the whole reduced set", "epoch", "loss")
