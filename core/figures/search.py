"""Search figures: Optuna's own charts from trial records, and every trial's live curve."""

from __future__ import annotations

from collections import defaultdict

import optuna.visualization as ov
import plotly.graph_objects as go

from core.figures.style import layout, run_color
from core.lab.search import study_from_records

OPTUNA_CHARTS = {
    "Optimization history": ov.plot_optimization_history,
    "Parallel coordinates": ov.plot_parallel_coordinate,
    "Parameter importances": ov.plot_param_importances,
    "Slice": ov.plot_slice,
}


def optuna_figures(records: list[dict]) -> dict[str, go.Figure | str]:
    """Each Optuna chart, or why it cannot be drawn yet (too few finished trials)."""
    finished = [r for r in records if r["state"] == "COMPLETE"]
    study = study_from_records(records)
    figures: dict[str, go.Figure | str] = {}
    for title, plot in OPTUNA_CHARTS.items():
        if not finished:
            figures[title] = "Appears when the first trial has finished."
            continue
        if plot is ov.plot_param_importances and len(finished) < 2:
            figures[title] = "Needs at least two finished trials."
            continue
        try:
            figure = plot(study)
        except (ValueError, RuntimeError, ZeroDivisionError) as error:
            figures[title] = f"Not available yet: {error}"
            continue
        figure.update_layout(
            template="plotly_white", height=420, margin={"l": 90, "r": 40, "t": 60, "b": 50}
        )
        if plot is ov.plot_slice:  # one narrow panel per parameter: few, tilted ticks
            figure.update_xaxes(nticks=4, tickangle=-40, tickfont={"size": 10}, automargin=True)
        figures[title] = figure
    return figures


def trial_curves_figure(
    history: list[dict], states: dict[int, str], running: bool = True
) -> go.Figure:
    """Validation loss per epoch of every trial, live; pruned trials dotted where they stop.
    A trial without a state is running while the study runs, else it was stopped."""
    curves: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for record in history:
        if "trial" in record:
            curves[record["trial"]].append((record["epoch"], record["val_data_loss"]))
    fig = go.Figure()
    for number, points in sorted(curves.items()):
        state = states.get(number, "RUNNING" if running else "STOPPED").lower()
        epochs, values = zip(*points, strict=True)
        fig.add_scatter(
            x=epochs,
            y=values,
            name=f"trial {number} ({state})",
            line={"color": run_color(number), "dash": "dot" if state == "pruned" else "solid"},
        )
    layout(fig, "Validation loss of each trial, epoch by epoch", "epoch", "validation loss")
    fig.update_layout(legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1})
    return fig
