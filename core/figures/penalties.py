"""Pure Plotly figures for L1 vs L2: loss contours with the diamond and circle, and paths."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from core.concepts import penalties as pen
from core.figures.style import BLUE, GREEN, VERMILLION, layout, legend_below

L1_COLOR, L2_COLOR = VERMILLION, BLUE


def contour_figure(X: np.ndarray, y: np.ndarray, lam: float, path: dict) -> go.Figure:
    """Data-loss contours, the L1 diamond and L2 circle through the optima, and their paths."""
    w_ls = pen.least_squares(X, y)
    w1, w2 = pen.lasso(X, y, lam), pen.ridge(X, y, lam)
    span = max(abs(w_ls).max(), 0.5) * 1.4
    grid = np.linspace(-span * 0.7, span, 141)  # w₂; w₁ runs wider for the wide plot
    wide = np.linspace(-span * 2, span * 2.4, 281)
    mesh = np.stack(np.meshgrid(wide, grid), axis=-1)
    fig = go.Figure()
    fig.add_contour(
        x=wide, y=grid, z=np.log10(pen.data_loss(X, y, mesh)), colorscale="Greys",
        showscale=False, contours={"coloring": "lines"}, name="data loss (log₁₀)", opacity=0.6,
    )  # fmt: skip
    for w, color in ((w1, L1_COLOR), (w2, L2_COLOR)):  # the contour that touches each ball
        level = float(np.log10(pen.data_loss(X, y, w)))
        fig.add_contour(
            x=wide, y=grid, z=np.log10(pen.data_loss(X, y, mesh)), showscale=False,
            contours={"coloring": "none", "start": level, "end": level, "size": 1},
            line={"color": color, "width": 1.5, "dash": "dash"}, hoverinfo="skip",
            showlegend=False,
        )  # fmt: skip
    radius_1 = np.abs(w1).sum()
    fig.add_scatter(
        x=[radius_1, 0, -radius_1, 0, radius_1], y=[0, radius_1, 0, -radius_1, 0],
        mode="lines", name="L1 ball |w₁| + |w₂| = const", line={"color": L1_COLOR},
    )  # fmt: skip
    angle = np.linspace(0, 2 * np.pi, 200)
    radius_2 = np.linalg.norm(w2)
    fig.add_scatter(
        x=radius_2 * np.cos(angle), y=radius_2 * np.sin(angle), mode="lines",
        name="L2 ball w₁² + w₂² = const", line={"color": L2_COLOR},
    )  # fmt: skip
    for key, color in (("L1", L1_COLOR), ("L2", L2_COLOR)):
        fig.add_scatter(
            x=path[key][:, 0], y=path[key][:, 1], mode="lines", showlegend=False,
            line={"color": color, "dash": "dot", "width": 1}, hoverinfo="skip",
        )  # fmt: skip
    for w, name, color, symbol in (
        (w_ls, "no penalty", "black", "x"),
        (w1, f"L1 optimum ({w1[0]:.3f}, {w1[1]:.3f})", L1_COLOR, "circle"),
        (w2, f"L2 optimum ({w2[0]:.3f}, {w2[1]:.3f})", L2_COLOR, "square"),
    ):
        fig.add_scatter(
            x=[w[0]], y=[w[1]], mode="markers", name=name,
            marker={"color": color, "size": 11, "symbol": symbol},
        )  # fmt: skip
    fig.update_xaxes(range=[grid[0], grid[-1]], zeroline=True, zerolinecolor="#999")
    fig.update_yaxes(
        range=[grid[0], grid[-1]], scaleanchor="x", scaleratio=1, zeroline=True,
        zerolinecolor="#999",
    )  # fmt: skip
    layout(fig, f"Where the penalty meets the loss (λ = {lam:.3g})", "w₁", "w₂", 600)
    return legend_below(fig)


def path_figure(lams: np.ndarray, path: dict, lam: float) -> go.Figure:
    """Each weight against λ (log scale): L1 solid, L2 dashed."""
    fig = go.Figure()
    for key, dash in (("L1", "solid"), ("L2", "dash")):
        for j, color in ((0, BLUE), (1, VERMILLION)):
            fig.add_scatter(
                x=lams, y=path[key][:, j], name=f"w{j + 1}, {key}",
                line={"color": color, "dash": dash},
            )  # fmt: skip
    fig.add_vline(x=lam, line={"color": GREEN, "dash": "dot"})
    # on a log axis a line's own annotation lands at the wrong λ: placed by hand, in log10
    fig.add_annotation(
        x=math.log10(lam), y=1, yref="paper", text="λ", showarrow=False, yanchor="bottom"
    )
    fig.update_xaxes(type="log")
    return layout(fig, "Coefficient path: L1 hits zero, L2 only shrinks", "λ", "weight")
