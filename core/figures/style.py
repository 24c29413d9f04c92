"""The figures' shared look: run colors, train/validation dashes, layout, presentation mode."""

from __future__ import annotations

import plotly.graph_objects as go

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
TRAIN_DASH, VAL_DASH = "dash", "solid"


def run_color(index: int) -> str:
    """The same color for a run wherever it is drawn."""
    return PALETTE[index % len(PALETTE)]


def layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 360):
    """The app's common layout: title at the left, axis titles, the legend under the plot."""
    fig.update_layout(
        title={"text": title, "x": 0.01},
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        # the legend under the plot: it never covers the title, the curves or the top tick
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "xanchor": "left"},
        template="plotly_white",
    )
    fig.update_layout(height=height + 40, margin_b=90)
    return fig


PRESENTATION_SIZES = {"font": 18, "title": 26, "axis_title": 20, "ticks": 17, "legend": 17}


def presentation_style(fig: go.Figure) -> go.Figure:
    """The same figure for a projector: every text larger (title, axes, ticks, legend, notes)."""
    sizes = PRESENTATION_SIZES
    fig.update_layout(
        font={"size": sizes["font"]},
        title_font={"size": sizes["title"]},
        legend_font={"size": sizes["legend"]},
        margin={"t": 80, "l": 80},
    )
    fig.update_xaxes(title_font={"size": sizes["axis_title"]}, tickfont={"size": sizes["ticks"]})
    fig.update_yaxes(title_font={"size": sizes["axis_title"]}, tickfont={"size": sizes["ticks"]})
    fig.update_annotations(font={"size": sizes["legend"]})
    return fig


def legend_below(fig: go.Figure) -> go.Figure:
    """Move a long legend under the plot, clear of the title."""
    return fig.update_layout(
        legend={"orientation": "h", "y": -0.14, "yanchor": "top", "x": 0, "xanchor": "left"},
        margin={"b": 110},
    )
