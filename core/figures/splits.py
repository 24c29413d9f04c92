"""Pure Plotly pictures of which examples train and which validate (holdout and K-fold)."""

from __future__ import annotations

import itertools

import numpy as np
import plotly.graph_objects as go

COLUMNS = 200  # examples are grouped into at most this many blocks across


def _blocks(roles: np.ndarray) -> np.ndarray:
    """Share of validation examples in each of at most COLUMNS equal blocks, per row."""
    roles = np.atleast_2d(roles).astype(float)
    edges = np.linspace(0, roles.shape[1], min(COLUMNS, roles.shape[1]) + 1).astype(int)
    return np.stack([roles[:, a:b].mean(axis=1) for a, b in itertools.pairwise(edges)], axis=1)


def split_figure(roles: np.ndarray, rows: list[str], title: str) -> go.Figure:
    """Rows of examples in their stored order: blue trains, orange validates."""
    shares = _blocks(roles)
    n = np.atleast_2d(roles).shape[1]
    fig = go.Figure(
        go.Heatmap(
            z=shares,
            x=np.linspace(0, n, shares.shape[1], endpoint=False).round().astype(int),
            y=rows,
            zmin=0,
            zmax=1,
            colorscale=[[0, "#4C78A8"], [1, "#F58518"]],
            colorbar={
                "title": "validation share",
                "tickvals": [0, 1],
                "ticktext": ["train", "val"],
            },
            hovertemplate="examples from %{x}: %{z:.0%} validate<extra>%{y}</extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        title=title,
        xaxis_title="training examples, in the order stored",
        height=120 + 34 * len(rows),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        template="plotly_white",
    )
    return fig
