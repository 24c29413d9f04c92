"""The class board's figures (pure Plotly): published runs' validation curves colored by one
setting, that setting against the best validation loss, and the class's predictions."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from core.figures.style import BLUE, PALETTE, layout

SCALE = "Viridis"
LOG_SETTINGS = ("lr", "l1", "l2", "wd")  # settings tried by powers of ten: a log axis


def numeric(values: list[str]) -> list[float] | None:
    """The values as numbers when every one is one (a continuous coloring), else None."""
    try:
        return [float(v) for v in values]
    except ValueError:
        return None


def setting_colors(values: list[str]) -> dict[str, str]:
    """value → color: Viridis along a numeric setting, else Okabe–Ito (its colors at 3:1 or
    more on white) by first appearance."""
    distinct = list(dict.fromkeys(values))
    numbers = numeric(distinct)
    if numbers is not None and len(distinct) > 1:
        low, high = min(numbers), max(numbers)
        spots = [(n - low) / (high - low) for n in numbers]
        return dict(zip(distinct, sample_colorscale(SCALE, spots), strict=True))
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(distinct)}


def _ordered(values: list[str]) -> list[str]:
    distinct = list(dict.fromkeys(values))
    numbers = numeric(distinct)
    return [v for _, v in sorted(zip(numbers, distinct, strict=True))] if numbers else distinct


def board_curves(rows, setting: str, height: int = 420) -> go.Figure:
    """Every published run's validation loss per epoch, one color per value of `setting`; the
    legend lists the setting's values (one entry each), never the learners. The runs of one
    value share a trace, separated by gaps (a board of 120 runs draws a handful of traces);
    the highlighted runs (largest rank gaps) get a thicker trace of their own."""
    fig = go.Figure()
    colors = setting_colors([r.setting for r in rows])
    for value in _ordered([r.setting for r in rows]):
        for bold in (False, True):
            group = [r for r in rows if r.setting == value and r.highlighted == bold]
            if not group:
                continue
            x, y, text = _joined(group, setting, value)
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    text=text,
                    mode="lines",
                    name=f"{setting} = {value}",
                    legendgroup=value,
                    showlegend=not bold
                    or not any(r.setting == value and not r.highlighted for r in rows),
                    line={"color": colors[value], "width": 4 if bold else 2},
                    opacity=1.0 if bold else 0.85,
                    hovertemplate="%{text}<br>epoch %{x}: %{y:.4f}<extra></extra>",
                )
            )
    layout(
        fig,
        f"Validation loss of the published runs, by {setting}",
        "epoch",
        "validation loss",
        height,
    )
    longest = max((len(r.history) for r in rows), default=0)
    if longest <= 10:  # a short run: whole epochs only
        fig.update_xaxes(dtick=1)
    if not rows:
        _empty(fig, "No run published yet: press Publish under a run in the Training Lab.")
    return fig


def _joined(group, setting: str, value: str) -> tuple[list, list, list]:
    """The runs' curves end to end, a gap (None) between two runs; hover text per point."""
    x, y, text = [], [], []
    for r in group:
        label = f"{html.escape(r.who)}<br>{html.escape(setting)} = {html.escape(value)}"
        for h in r.history:
            loss = h.get("val_data_loss", h.get("val_loss"))
            if isinstance(loss, (int, float)) and np.isfinite(loss):
                x.append(h["epoch"])
                y.append(loss)
                text.append(label)
        x.append(None)
        y.append(None)
        text.append(None)
    return x[:-1], y[:-1], text[:-1]


def setting_scatter(rows, setting: str, height: int = 420, key: str = "") -> go.Figure:
    """The chosen setting against each run's best validation loss: the class's own search."""
    done = [r for r in rows if r.best_val_loss is not None]
    colors = setting_colors([r.setting for r in done])
    numbers = numeric([r.setting for r in done]) if done else None
    fig = go.Figure(
        go.Scatter(
            x=numbers if numbers is not None else [r.setting for r in done],
            y=[r.best_val_loss for r in done],
            mode="markers",
            marker={
                "size": [16 if r.highlighted else 12 for r in done],
                "color": [colors[r.setting] for r in done],
                "line": {"width": 1, "color": "#333"},
                "symbol": ["diamond" if r.highlighted else "circle" for r in done],
            },
            text=[html.escape(r.who) for r in done],
            hovertemplate=f"%{{text}}<br>{html.escape(setting)} = %{{x}}<br>best validation loss "
            "%{y:.4f}<extra></extra>",
            showlegend=False,
        )
    )
    layout(
        fig, f"{setting} against the best validation loss", setting, "best validation loss", height
    )
    fig.update_yaxes(rangemode="tozero")  # a loss: never below zero, even for one point
    if numbers is not None and key in LOG_SETTINGS and numbers and min(numbers) > 0:
        fig.update_xaxes(type="log")
    if numbers is None:
        fig.update_xaxes(
            type="category",
            categoryorder="array",
            categoryarray=_ordered([r.setting for r in done]),
        )
    if not done:
        _empty(fig, "Each finished run becomes a point here.")
    return fig


def predictions_figure(counts: dict[str, int], showed: str = "", height: int = 300) -> go.Figure:
    """How many learners picked each answer; the answer the runs support drawn dark."""
    choices = list(counts)
    fig = go.Figure(
        go.Bar(
            x=[counts[c] for c in choices],
            y=choices,
            orientation="h",
            marker={"color": [BLUE if c == showed else "#9ab" for c in choices]},
            text=[str(counts[c]) for c in choices],
            textposition="outside",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    title = "The class's predictions" + (" (dark: what the runs showed)" if showed else "")
    layout(fig, title, "learners", "", height)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero", dtick=1 if max(counts.values(), default=0) < 10 else None)
    return fig


def _empty(fig: go.Figure, text: str) -> None:
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
