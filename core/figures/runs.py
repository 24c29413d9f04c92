"""Pure Plotly figure builders for training runs: curves, boundaries, confusion, weights."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from core.figures.style import (
    BEST_SYMBOL,
    BLUE,
    GREEN,
    GREY,
    PALETTE,
    TRAIN_DASH,
    VAL_DASH,
    VERMILLION,
    layout,
    run_color,
    run_symbol,
)


def best_epoch(history: list[dict], key: str = "val_data_loss") -> int | None:
    """1-based epoch of the lowest finite value of `key` (else val_loss), or None.

    The default is the validation *data* loss: the curve the Lab draws, and what the best
    checkpoint keeps. EarlyStopping monitors Keras' val_loss, which adds the L1/L2 penalty.
    """
    values = [(h.get(key, h.get("val_loss", math.nan)), h["epoch"]) for h in history]
    finite = [(v, e) for v, e in values if v is not None and math.isfinite(v)]
    return min(finite)[1] if finite else None


def curves_figure(
    history: list[dict], metric: str = "loss", color: str = PALETTE[0], total_epochs: int = 0
) -> go.Figure:
    """Train (dashed) vs validation (solid) for 'loss' or 'accuracy', best epoch marked.

    For loss, the data loss is drawn (Keras adds the L1/L2 penalty to both train and
    validation loss), so runs with and without a penalty compare; the penalty, when present,
    is its own dotted curve.
    """
    epochs = [h["epoch"] for h in history]
    train_key, val_key = (
        ("data_loss", "val_data_loss") if metric == "loss" else ("accuracy", "val_accuracy")
    )
    train = [h.get(train_key) for h in history]
    val = [h.get(val_key) for h in history]
    fig = go.Figure()
    fig.add_scatter(x=epochs, y=train, name="train", line={"color": color, "dash": TRAIN_DASH})
    fig.add_scatter(
        x=epochs,
        y=val,
        name="validation",
        line={"color": color, "dash": VAL_DASH},
        fill="tonexty" if metric == "loss" else None,
        fillcolor="rgba(213,94,0,0.10)",
    )
    if metric == "loss" and any(h.get("penalty") for h in history):
        penalty = [h.get("penalty") for h in history]
        fig.add_scatter(
            x=epochs, y=penalty, name="L1/L2 penalty", line={"color": GREY, "dash": "dot"}
        )
    best = best_epoch(history)
    if best is not None:  # named in the legend: a label on the plot collides with the curves
        line = {"color": GREEN, "dash": "dot"}
        fig.add_vline(x=best, line=line)
        at_best = next(h.get(val_key) for h in history if h["epoch"] == best)
        fig.add_scatter(  # its mark has a shape of its own: a star on the validation curve
            x=[best],
            y=[at_best],
            mode="lines+markers",
            line=line,
            marker={"symbol": BEST_SYMBOL, "size": 14, "color": GREEN, "line": {"width": 1}},
            name=f"best epoch {best} (lowest validation data loss)",
        )
    title = "Loss (data part; shaded = train/validation gap)" if metric == "loss" else "Accuracy"
    layout(fig, title, "epoch", "cross-entropy" if metric == "loss" else "accuracy")
    if total_epochs:
        fig.update_xaxes(range=[0.5, max(total_epochs, len(epochs)) + 0.5])
    return fig


def _add_points(fig: go.Figure, x: np.ndarray, y: np.ndarray) -> None:
    """2-D samples by class: vermillion circles 0, blue diamonds 1 (shape as well as color)."""
    for label, color, symbol in ((0, VERMILLION, "circle"), (1, BLUE, "diamond")):
        mask = y == label
        fig.add_scatter(
            x=x[mask, 0],
            y=x[mask, 1],
            mode="markers",
            name=f"class {label}",
            marker={
                "color": color,
                "symbol": symbol,
                "size": 6,
                "line": {"color": "white", "width": 0.5},
            },
        )


def boundary_figure(boundary: dict, x: np.ndarray, y: np.ndarray) -> go.Figure:
    """Predicted probability of class 1 over the plane, with the training points on top."""
    fig = go.Figure()
    fig.add_contour(
        x=boundary["x"],
        y=boundary["y"],
        z=boundary["p"],
        zmin=0,
        zmax=1,
        colorscale="RdBu",
        opacity=0.55,
        contours={"start": 0, "end": 1, "size": 0.1},
        colorbar={"title": "P(class 1)"},
        name="model",
    )
    _add_points(fig, x, y)
    layout(fig, "Decision boundary (training points)", "x₁", "x₂", height=420)
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def points_figure(x: np.ndarray, y: np.ndarray, title: str = "Data") -> go.Figure:
    fig = go.Figure()
    _add_points(fig, x, y)
    layout(fig, title, "x₁", "x₂", height=360)
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def confusion_figure(confusion: list[list[int]], class_names: tuple[str, ...]) -> go.Figure:
    matrix = np.asarray(confusion)
    names = list(class_names[: len(matrix)])
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=names,
            y=names,
            colorscale="Blues",
            text=matrix,
            texttemplate="%{text}",
            showscale=False,
        )
    )
    layout(fig, "Confusion matrix (test set)", "predicted", "true", height=420)
    fig.update_yaxes(autorange="reversed")
    return fig


def weights_figure(weights: list[dict]) -> go.Figure:
    """Kernel histograms per layer; L1 piles weights at zero, L2 narrows the spread."""
    fig = go.Figure()
    for index, layer in enumerate(weights):
        edges = np.asarray(layer["edges"])
        centers = (edges[:-1] + edges[1:]) / 2
        fig.add_bar(
            x=centers,
            y=layer["counts"],
            name=layer["layer"],
            opacity=0.6,
            marker_color=run_color(index),
        )
    fig.update_layout(barmode="overlay")
    return layout(fig, "Weight histograms per layer", "weight value", "count")


def weight_history_figure(history: list[dict]) -> go.Figure:
    """Per-layer kernel distributions over epochs (like TensorBoard's): epoch × weight value.

    Color is the share of the layer's weights in each bin (log scale, so a pile at zero
    and the thin tails both show).
    """
    from plotly.subplots import make_subplots

    columns = min(len(history), 3) or 1
    rows = max(1, math.ceil(len(history) / columns))
    fig = make_subplots(
        rows=rows, cols=columns, subplot_titles=[layer["layer"] for layer in history]
    )
    for index, layer in enumerate(history):
        counts = np.asarray(layer["counts"], dtype=float)
        share = counts / counts.sum(axis=1, keepdims=True).clip(min=1)
        edges = np.asarray(layer["edges"])
        fig.add_heatmap(
            x=list(range(len(counts))),
            y=(edges[:-1] + edges[1:]) / 2,
            z=np.log10(share.T + 1e-4),
            coloraxis="coloraxis",
            row=index // columns + 1,
            col=index % columns + 1,
            hovertemplate="epoch %{x}<br>weight %{y:.3f}<br>log₁₀ share %{z:.2f}<extra></extra>",
        )
    fig.update_layout(coloraxis={"colorscale": "Viridis", "colorbar": {"title": "log₁₀ share"}})
    layout(fig, "Weight distributions over epochs", "", "", height=max(320, 300 * rows))
    fig.update_xaxes(title_text="epoch (0 = before training)")
    for row in range(1, rows + 1):
        fig.update_yaxes(title_text="weight value", row=row, col=1)
    return fig.update_layout(margin={"t": 80})


def images_grid_figure(images: np.ndarray, titles: list[str], columns: int = 6) -> go.Figure:
    """A grid of grayscale images (n, h, w) with a caption each; a caption "a→b" is split over
    two lines so long class names (Fashion-MNIST) stay legible."""
    from plotly.subplots import make_subplots

    n = len(images)
    rows = max(1, math.ceil(n / columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[t.replace("→", "<br>→ ") for t in titles],
        horizontal_spacing=0.02,
        vertical_spacing=0.12 if rows > 1 else 0.0,
    )
    for i, image in enumerate(images):
        fig.add_heatmap(
            z=image[::-1],
            colorscale="gray_r",
            showscale=False,
            row=i // columns + 1,
            col=i % columns + 1,
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(
        height=190 * rows + 50, margin={"l": 10, "r": 10, "t": 60, "b": 10}, template="plotly_white"
    )
    fig.update_annotations(font_size=14)
    return fig


METRICS = {
    "val_data_loss": ("validation loss (data)", "data_loss"),
    "val_accuracy": ("validation accuracy", "accuracy"),
}


COURSE_COLOR = "rgba(110, 110, 110, 0.85)"
COURSE_DASHES = ("dot", "dashdot", "longdash")  # grey lines told apart by their pattern


def add_course_lines(fig: go.Figure, course: list[tuple[str, list[dict]]], metric: str) -> None:
    """The course's own printed runs, grey, told apart by their dash pattern."""
    for index, (label, history) in enumerate(course):
        fig.add_scatter(
            x=[h["epoch"] for h in history],
            y=[h.get(metric) for h in history],
            name=label,
            line={"color": COURSE_COLOR, "dash": COURSE_DASHES[index % 3], "width": 2},
            mode="lines+markers",
            marker={"size": 4},
        )


def overlay_figure(
    runs: list[tuple[str, list[dict]]],
    metric: str = "val_data_loss",
    course: list[tuple[str, list[dict]]] = (),
    colors: list[int] | None = None,
) -> go.Figure:
    """Several runs on one chart: one color per run, validation solid, train dashed; the
    course's own logs (if given) as grey dotted lines, so a run sits beside the lecture's.
    `colors` numbers each run's color (its run number): adding a run recolors no other."""
    title, train_key = METRICS[metric]
    fig = go.Figure()
    add_course_lines(fig, course, metric)
    for index, (label, history) in enumerate(runs):
        epochs = [h["epoch"] for h in history]
        number = colors[index] if colors else index
        color = run_color(number)
        fig.add_scatter(
            x=epochs,
            y=[h.get(metric) for h in history],
            name=label,
            mode="lines+markers",
            line={"color": color, "dash": VAL_DASH},
            marker={"symbol": run_symbol(number), "size": 7, "maxdisplayed": 12},
            legendgroup=label,
        )
        fig.add_scatter(
            x=epochs,
            y=[h.get(train_key) for h in history],
            name=f"{label} (train)",
            line={"color": color, "dash": TRAIN_DASH, "width": 1},
            legendgroup=label,
            showlegend=False,
        )
    return layout(fig, f"{title}: solid = validation, dashed = train", "epoch", title, height=420)
