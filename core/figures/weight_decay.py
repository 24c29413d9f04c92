"""Pure Plotly figures for weight decay vs L2: weight trajectories in the plane and per step."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.concepts.weight_decay import METHODS
from core.figures.style import BLACK, BLUE, GREEN, VERMILLION, layout, legend_below

STYLE = {
    "sgd_l2": (BLUE, "solid", 6),
    "sgd_wd": (BLACK, "dot", 3),
    "adam_l2": (VERMILLION, "solid", 3),
    "adamw": (GREEN, "solid", 3),
}


def plane_figure(paths: dict[str, np.ndarray], optimum: np.ndarray) -> go.Figure:
    """Each method's path through (w₁, w₂), from the start to where it settles."""
    fig = go.Figure()
    for method, path in paths.items():
        color, dash, width = STYLE[method]
        fig.add_scatter(
            x=path[:, 0], y=path[:, 1], mode="lines", name=METHODS[method],
            line={"color": color, "dash": dash, "width": width},
        )  # fmt: skip
    fig.add_scatter(
        x=[optimum[0]], y=[optimum[1]], mode="markers", name="minimum of L + (λ/2)‖w‖²",
        marker={"symbol": "x", "size": 12, "color": "black"},
    )  # fmt: skip
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    layout(fig, "Weight paths (start at (2, 3))", "w₁ (steep direction)", "w₂", 500)
    return legend_below(fig)


def steps_figure(paths: dict[str, np.ndarray]) -> go.Figure:
    """w₁ and w₂ against the step number for each method."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("w₁", "w₂"))
    for method, path in paths.items():
        color, dash, width = STYLE[method]
        for col in (1, 2):
            fig.add_scatter(
                y=path[:, col - 1], mode="lines", name=METHODS[method], showlegend=col == 1,
                line={"color": color, "dash": dash, "width": width}, row=1, col=col,
            )  # fmt: skip
    layout(fig, "Weights step by step", "step", "weight", 400)
    return fig  # the legend under the plots (layout's): above, it covered a phone's subplots
