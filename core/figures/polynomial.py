"""Pure Plotly figures for the polynomial page: fits, panels, the U-curve, coefficients."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.concepts.polynomial import Data, Fit, mse, true_function
from core.figures.style import BLACK, BLUE, GREEN, GREY, PURPLE, VERMILLION

GRID = np.linspace(0, 1, 300)
TRAIN_COLOR, VAL_COLOR, FIT_COLOR, TRUE_COLOR = BLUE, PURPLE, VERMILLION, GREEN


def _y_range(data: Data) -> list[float]:
    low, high = float(data.y_train.min()), float(data.y_train.max())
    pad = 0.35 * (high - low)
    return [low - pad, high + pad]


def _add_fit(fig, data: Data, model: Fit, curve: str, row=None, col=None, legend=True):
    kw = {"row": row, "col": col} if row else {}
    fig.add_scatter(
        x=data.x_train,
        y=data.y_train,
        mode="markers",
        name="training samples",
        marker={"color": TRAIN_COLOR, "size": 7},
        showlegend=legend,
        **kw,
    )
    fig.add_scatter(
        x=GRID,
        y=true_function(curve)(GRID),
        mode="lines",
        name="true function",
        line={"color": TRUE_COLOR, "dash": "dash"},
        showlegend=legend,
        **kw,
    )
    fig.add_scatter(
        x=GRID,
        y=model.predict(GRID),
        mode="lines",
        name="model",
        line={"color": FIT_COLOR, "width": 3},
        showlegend=legend,
        **kw,
    )


def fit_figure(data: Data, model: Fit, curve: str, show_validation: bool = True) -> go.Figure:
    """One fit over the training points, the true curve dashed, validation points faint."""
    fig = go.Figure()
    if show_validation:
        fig.add_scatter(
            x=data.x_val,
            y=data.y_val,
            mode="markers",
            name="validation samples",
            marker={"color": VAL_COLOR, "size": 5, "opacity": 0.35},
        )
    _add_fit(fig, data, model, curve)
    label = {"none": "least squares", "ridge": "ridge (L2)", "lasso": "lasso (L1)"}[model.penalty]
    penalty = f", λ = {model.alpha:g}" if model.penalty != "none" else ""
    title = (  # two short lines: a long one is cut off in a narrow column
        f"Degree {model.degree} ({label}{penalty})<br>train MSE "
        f"{mse(model, data.x_train, data.y_train):.4f} · validation MSE "
        f"{mse(model, data.x_val, data.y_val):.4f}"
    )
    fig.update_layout(
        title={"text": title, "x": 0.01},
        xaxis_title="x",
        yaxis_title="y",
        template="plotly_white",
        height=440,
        margin={"t": 80},
        legend={"orientation": "h", "y": -0.2},
    )
    fig.update_yaxes(range=_y_range(data))
    return fig


def panel_figures(data: Data, models: list[Fit], names: list[str], curve: str) -> list[go.Figure]:
    """Underfit / good fit / overfit, one figure each (side by side in columns, stacked on a
    phone), titled with their errors, on one y range so they compare; the legend on the first."""
    figures = []
    for index, (name, model) in enumerate(zip(names, models, strict=True)):
        fig = go.Figure()
        _add_fit(fig, data, model, curve, legend=index == 0)
        train, validation = (
            mse(model, data.x_train, data.y_train),
            mse(model, data.x_val, data.y_val),
        )
        fig.update_layout(
            template="plotly_white",
            height=400,
            margin={"l": 50, "r": 10, "t": 110, "b": 40},
            title={
                # short lines: a third of the page's width, in presentation mode too
                "text": f"{name}: degree {model.degree}<br>train MSE {train:.4f}<br>"
                f"validation MSE {validation:.4f}",
                "x": 0.01,
            },
            legend={"orientation": "h", "y": -0.15},
            showlegend=index == 0,
        )
        fig.update_yaxes(range=_y_range(data))
        figures.append(fig)
    return figures


def u_curve_figure(rows: list[dict], best: int, folds: int) -> go.Figure:
    """Train, validation and k-fold CV error against degree (log scale), best degree marked."""
    degrees = [r["degree"] for r in rows]
    cv = np.array([r["cv_mean"] for r in rows])
    std = np.array([r["cv_std"] for r in rows])
    fig = go.Figure()
    fig.add_scatter(
        x=degrees + degrees[::-1],
        y=list(cv + std) + list(np.maximum(cv - std, 1e-6))[::-1],
        fill="toself",
        fillcolor="rgba(148,103,189,0.15)",
        line={"width": 0},
        name="CV ± 1 std",
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=degrees,
        y=[r["train"] for r in rows],
        name="train",
        mode="lines+markers",
        line={"color": TRAIN_COLOR},
    )
    fig.add_scatter(
        x=degrees,
        y=[r["validation"] for r in rows],
        name="validation",
        mode="lines+markers",
        line={"color": VAL_COLOR},
    )
    fig.add_scatter(
        x=degrees, y=cv, name=f"{folds}-fold CV", mode="lines+markers", line={"color": BLACK}
    )
    fig.add_vline(
        x=best,
        line={"color": GREEN, "dash": "dot"},
        annotation_text=f"best degree by CV: {best}",
    )
    fig.update_layout(
        title={"text": "Error against model complexity", "x": 0.01},
        xaxis_title="polynomial degree",
        yaxis_title="mean squared error (log)",
        yaxis_type="log",
        template="plotly_white",
        height=420,
    )
    return fig


def coefficients_figure(models: list[Fit], names: list[str]) -> go.Figure:
    """|coefficient| per power (log scale); a coefficient of exactly zero is an ✕ at the floor."""
    fig = go.Figure()
    colors = (GREY, BLUE, VERMILLION)
    floor = 1e-6
    for model, name, color in zip(models, names, colors, strict=False):
        powers = list(range(1, model.degree + 1))
        size = np.abs(model.coefficients)
        fig.add_bar(
            x=powers,
            y=np.maximum(size, floor),
            name=f"{name} (‖w‖ = {model.norm:.3g})",
            marker_color=color,
        )
        zeros = [p for p, v in zip(powers, size, strict=True) if v == 0]
        if zeros:
            fig.add_scatter(
                x=zeros,
                y=[floor] * len(zeros),
                mode="markers",
                name=f"{name}: exactly 0",
                marker={"symbol": "x", "size": 11, "color": color},
            )
    fig.update_layout(
        barmode="group",
        yaxis_type="log",
        template="plotly_white",
        height=400,
        title={"text": "Coefficient sizes: L2 shrinks them, L1 zeroes many", "x": 0.01},
        xaxis_title="power of u = 2x − 1",
        yaxis_title="|coefficient| (log)",
    )
    return fig
