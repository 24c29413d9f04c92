"""Pure Plotly figures for the batch-norm page: histograms, running averages, placements."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.figures.style import BLUE, GREEN, GREY, PURPLE, VERMILLION, layout


def histograms_figure(z: np.ndarray, normalized: np.ndarray, out: np.ndarray) -> go.Figure:
    """One unit over the batch: raw z (left); normalized ẑ and γẑ + β (right)."""
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("before: z", "after: ẑ and γẑ + β"), shared_yaxes=True
    )
    fig.add_histogram(x=z, name="z", marker_color=GREY, nbinsx=20, row=1, col=1)
    low = min(normalized.min(), out.min())
    size = (max(normalized.max(), out.max()) - low) / 20 or 1.0
    for values, name, color in (
        (normalized, "ẑ = (z − μ_B)/√(σ²_B + ε)", BLUE),
        (out, "γẑ + β", VERMILLION),
    ):
        fig.add_histogram(
            x=values, name=name, opacity=0.55, marker_color=color, row=1, col=2,
            xbins={"start": low, "size": size},
        )  # fmt: skip
    fig.update_layout(barmode="overlay")
    layout(fig, "One unit's values over the mini-batch", "value", "count", height=380)
    return fig  # the legend stays under the plot (style.layout), clear of the subplot titles


def units_figure(mean: np.ndarray, var: np.ndarray, out: np.ndarray) -> go.Figure:
    """Every unit's batch mean and variance before, and its mean and variance after."""
    units = np.arange(len(mean))
    fig = make_subplots(rows=1, cols=2, subplot_titles=("mean per unit", "variance per unit"))
    fig.add_bar(x=units, y=mean, name="before (batch μ_B, σ²_B)", marker_color=GREY)
    fig.add_bar(x=units, y=out.mean(axis=0), name="after BN", marker_color=VERMILLION)
    fig.add_bar(x=units, y=var, showlegend=False, marker_color=GREY, row=1, col=2)
    fig.add_bar(x=units, y=out.var(axis=0), showlegend=False, marker_color=VERMILLION, row=1, col=2)
    fig.update_yaxes(type="log", dtick=1, row=1, col=2)  # powers of ten only: readable ticks
    layout(fig, "All 16 units: batch statistics before and after", "unit", "", height=380)
    return fig  # the legend stays under the plot (style.layout), clear of the subplot titles


def running_figure(
    running: dict[str, np.ndarray], truth: tuple[np.ndarray, np.ndarray], unit: int
) -> go.Figure:
    """The moving mean and variance of one unit, batch after batch, against the true values."""
    steps = np.arange(1, len(running["mean"]) + 1)
    fig = make_subplots(rows=1, cols=2, subplot_titles=("moving mean", "moving variance"))
    for col, key, true in ((1, "mean", truth[0][unit]), (2, "var", truth[1][unit])):
        fig.add_scatter(
            x=steps,
            y=running[key][:, unit],
            name="running average",
            showlegend=col == 1,
            line={"color": BLUE},
            row=1,
            col=col,
        )
        fig.add_hline(y=true, line={"dash": "dot", "color": GREEN}, row=1, col=col)
    fig.add_scatter(x=[None], y=[None], name="true value", line={"dash": "dot", "color": GREEN})
    layout(fig, f"Unit {unit}: what evaluation mode will use", "training batch", "")
    return fig  # the legend stays under the plot (style.layout), clear of the subplot titles


def placement_figure(outputs: dict[str, np.ndarray]) -> go.Figure:
    """Side by side: ReLU(BN(z)) and BN(ReLU(z)) for one unit."""
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("BN before the activation", "BN after the activation")
    )
    for col, key, color in ((1, "before", BLUE), (2, "after", PURPLE)):
        fig.add_histogram(
            x=outputs[key], nbinsx=30, marker_color=color, showlegend=False, row=1, col=col
        )
    return layout(fig, "What the next layer receives", "value", "count", height=340)
