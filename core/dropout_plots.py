"""Pure Plotly figures for the dropout page: the net with dropped units, counts, outputs."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from scipy.stats import binom

from core.dropout import PassView, shown_inputs
from core.plots import _layout

KEPT, DROPPED = "#1f77b4", "#d9d9d9"


def network_figure(view: PassView, rates: tuple[float, float]) -> go.Figure:
    """Layers of units left to right; greyed units are dropped on this pass."""
    fig = go.Figure()
    shown = shown_inputs()
    columns = [
        ("input (49 of 784)", view.masks[0][shown], view.train[0][shown]),
        ("hidden 1 (128)", view.masks[1], view.train[1]),
        ("hidden 2 (64)", view.masks[2], view.train[2]),
        ("output (10)", np.ones(10, bool), view.train[3]),
    ]
    for x, (name, keep, values) in enumerate(columns):
        y = np.linspace(1, -1, len(keep)) if len(keep) > 1 else np.zeros(1)
        scale = values.max() or 1.0
        fig.add_scatter(
            x=np.full(len(keep), x),
            y=y,
            mode="markers",
            name=name,
            showlegend=False,
            marker={
                "color": [KEPT if k else DROPPED for k in keep],
                "size": 4 + 10 * np.where(keep, values / scale, 0),
                "line": {"color": "#555", "width": 0.5},
            },
            hovertext=[
                f"{name} unit {i}: {'kept' if k else 'dropped'}, a = {v:.3f}"
                for i, (k, v) in enumerate(zip(keep, values, strict=True))
            ],
            hoverinfo="text",
        )
    for x, keep in ((0, view.masks[0]), (1, view.masks[1]), (2, view.masks[2])):
        dropped = int((~keep).sum())
        fig.add_annotation(x=x, y=-1.12, text=f"{dropped} of {len(keep)} dropped", showarrow=False)
    fig.update_xaxes(tickvals=[0, 1, 2, 3], ticktext=[c[0] for c in columns], range=[-0.5, 3.5])
    fig.update_yaxes(visible=False, range=[-1.25, 1.1])
    title = f"One forward pass in training mode (p = {rates[1]:g}; input p = {rates[0]:g})"
    return _layout(fig, title, "", "", height=460)


def dropped_count_figure(counts: np.ndarray, n: int, rate: float, current: int) -> go.Figure:
    """Histogram of dropped units over many passes against the Binomial(n, p) probabilities."""
    k = np.arange(n + 1)
    observed = np.bincount(counts, minlength=n + 1) / len(counts)
    fig = go.Figure()
    fig.add_bar(x=k, y=observed, name=f"{len(counts):,} simulated passes", marker_color=KEPT)
    fig.add_scatter(
        x=k, y=binom.pmf(k, n, rate), mode="lines+markers", name=f"Binomial({n}, {rate:g})"
    )
    fig.add_vline(x=n * rate, line={"dash": "dot"}, annotation_text=f"mean {n * rate:g}")
    fig.add_vline(
        x=current,
        line={"color": "#d62728"},
        annotation_text=f"this pass: {current}",
        annotation_position="bottom right",
    )
    lo, hi = max(0, int(n * rate - 5 * np.sqrt(n * rate * (1 - rate)) - 1)), n
    fig.update_xaxes(range=[lo - 0.5, min(hi, int(n * rate * 2 + 12)) + 0.5])
    return _layout(fig, f"Dropped units in a {n}-unit layer", "units dropped", "fraction of passes")


def outputs_figure(train_outputs: np.ndarray, evaluation: np.ndarray) -> go.Figure:
    """Output probabilities: a cloud of training-mode passes vs the one evaluation output."""
    fig = go.Figure()
    classes = np.arange(train_outputs.shape[1])
    fig.add_box(
        x=np.repeat(classes, len(train_outputs)),
        y=train_outputs.T.ravel(),
        name=f"training mode, {len(train_outputs)} passes",
        boxpoints="all",
        jitter=0.4,
        marker={"color": KEPT, "size": 4},
        line={"width": 1},
    )
    fig.add_scatter(
        x=classes,
        y=evaluation,
        mode="markers",
        name="evaluation mode (every pass)",
        marker={"color": "#d62728", "symbol": "diamond", "size": 12},
    )
    fig.update_xaxes(tickvals=classes)
    return _layout(fig, "Same input, untrained net: output per class", "class", "probability")


def scaling_figure(evaluation: np.ndarray, one_pass: np.ndarray, mean: np.ndarray) -> go.Figure:
    """Second hidden layer: evaluation activation, one pass with 1/(1 − p), and the average."""
    units = np.arange(len(evaluation))
    fig = go.Figure()
    fig.add_bar(x=units, y=evaluation, name="evaluation (no dropout)", marker_color="#bbbbbb")
    fig.add_scatter(
        x=units,
        y=one_pass,
        mode="markers",
        name="one pass: 0 or a/(1 − p)",
        marker={"color": KEPT, "size": 7},
    )
    fig.add_scatter(
        x=units,
        y=mean,
        mode="markers",
        name="average over 5,000 passes",
        marker={"color": "#d62728", "symbol": "x", "size": 8},
    )
    return _layout(fig, "Inverted dropout keeps the expected activation", "unit", "activation")
