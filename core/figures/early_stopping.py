"""Pure Plotly figure for the early-stopping page: the curve, improvements, stop and restore."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.concepts.early_stopping import StoppingRun
from core.figures.style import BLUE, GREEN, GREY, PURPLE, VERMILLION, layout


def stopping_figure(losses: np.ndarray, run: StoppingRun, patience: int) -> go.Figure:
    """val_loss per epoch; dots where Keras saw an improvement; the stop and the kept weights."""
    epochs = np.arange(1, len(losses) + 1)
    last = run.stopped_epoch or len(losses)
    fig = go.Figure()
    fig.add_scatter(
        x=epochs, y=losses, name="val_loss (after the stop: what would have come)",
        line={"color": GREY, "dash": "dot"},
    )  # fmt: skip
    fig.add_scatter(x=epochs[:last], y=losses[:last], name="val_loss", line={"color": VERMILLION})
    fig.add_scatter(
        x=run.improvements, y=losses[np.asarray(run.improvements) - 1], mode="markers",
        name="counted as an improvement", marker={"color": BLUE, "size": 7},
    )  # fmt: skip
    fig.add_vrect(
        x0=run.best_epoch, x1=last, fillcolor=PURPLE, opacity=0.12, line_width=0,
        annotation_text=f"{last - run.best_epoch} epochs without improvement",
        annotation_position="top left",
    )  # fmt: skip
    if run.stopped_epoch:
        fig.add_vline(x=run.stopped_epoch, line={"color": PURPLE})
    fig.add_scatter(
        x=[run.final_epoch], y=[losses[run.final_epoch - 1]], mode="markers",
        name=f"weights kept: epoch {run.final_epoch}",
        marker={"symbol": "star", "size": 16, "color": GREEN},
    )  # fmt: skip
    fig.update_yaxes(type="log")
    title = f"EarlyStopping(patience={patience}) on val_loss"
    return layout(fig, title, "epoch", "validation loss (log scale)", 420)
