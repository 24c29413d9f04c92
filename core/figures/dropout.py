"""Pure Plotly figures for the dropout page: the net with dropped units, counts, outputs."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from scipy.stats import binom

from core.concepts.dropout import PassView, shown_inputs
from core.figures.style import BLUE, GREY, VERMILLION, layout

KEPT, DROPPED = BLUE, GREY


GRIDS = ((7, 7), (8, 16), (4, 16), (1, 10))  # (columns, rows) of each drawn layer
SPACING = 0.14


def _grid(layer: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    columns, rows = GRIDS[layer]
    index = np.arange(n)
    x = layer * 2.2 + (index % columns - (columns - 1) / 2) * SPACING
    y = np.linspace(1, -1, rows)[index // columns] if rows > 1 else np.zeros(n)
    return x, y


def network_figure(view: PassView, rates: tuple[float, float]) -> go.Figure:
    """Layers of units as blocks, left to right; crossed grey units are dropped on this pass."""
    fig = go.Figure()
    shown = shown_inputs()
    layers = [
        ("input (49 of 784 pixels)", view.masks[0][shown], view.train[0][shown]),
        ("hidden 1 (128)", view.masks[1], view.train[1]),
        ("hidden 2 (64)", view.masks[2], view.train[2]),
        ("output (10)", np.ones(10, bool), view.train[3]),
    ]
    for number, (name, keep, values) in enumerate(layers):
        x, y = _grid(number, len(keep))
        scaled = values / (values.max() or 1.0)
        fig.add_scatter(
            x=x[keep], y=y[keep], mode="markers", name="kept (darker = larger activation)",
            showlegend=number == 1,
            marker={"color": scaled[keep], "colorscale": "Blues", "cmin": -0.3, "cmax": 1,
                    "size": 11, "line": {"color": "#08306b", "width": 0.6}},
            hovertext=[f"{name}: kept, a = {v:.3f}" for v in values[keep]], hoverinfo="text",
        )  # fmt: skip
        if (~keep).any():
            fig.add_scatter(
                x=x[~keep], y=y[~keep], mode="markers", name="dropped (outputs 0)",
                showlegend=number == 1,
                marker={"color": DROPPED, "symbol": "x", "size": 10,
                        "line": {"color": GREY, "width": 1}},
                hovertext=[f"{name}: dropped" for _ in range(int((~keep).sum()))],
                hoverinfo="text",
            )  # fmt: skip
        text = f"{int((~keep).sum())} of {len(keep)} dropped" if number < 3 else "softmax"
        fig.add_annotation(x=number * 2.2, y=-1.16, text=text, showarrow=False)
    fig.update_xaxes(
        tickvals=[i * 2.2 for i in range(4)], ticktext=[name for name, *_ in layers],
        range=[-1.0, 7.6], showgrid=False, zeroline=False,
    )  # fmt: skip
    fig.update_yaxes(visible=False, range=[-1.25, 1.08])
    title = f"One forward pass in training mode (p = {rates[1]:g}; input p = {rates[0]:g})"
    return layout(fig, title, "", "", height=500)


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
        line={"color": VERMILLION},
        annotation_text=f"this pass: {current}",
        annotation_position="bottom right",
    )
    lo, hi = max(0, int(n * rate - 5 * np.sqrt(n * rate * (1 - rate)) - 1)), n
    fig.update_xaxes(range=[lo - 0.5, min(hi, int(n * rate * 2 + 12)) + 0.5])
    return layout(fig, f"Dropped units in a {n}-unit layer", "units dropped", "fraction of passes")


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
        marker={"color": VERMILLION, "symbol": "diamond", "size": 12},
    )
    fig.update_xaxes(tickvals=classes)
    return layout(fig, "Same input, untrained net: output per class", "class", "probability")


def scaling_figure(evaluation: np.ndarray, one_pass: np.ndarray, mean: np.ndarray) -> go.Figure:
    """Second hidden layer: evaluation activation, one pass with 1/(1 − p), and the average."""
    units = np.arange(len(evaluation))
    fig = go.Figure()
    fig.add_bar(x=units, y=evaluation, name="evaluation (no dropout)", marker_color=GREY)
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
        marker={"color": VERMILLION, "symbol": "x", "size": 8},
    )
    return layout(fig, "Inverted dropout keeps the expected activation", "unit", "activation")
