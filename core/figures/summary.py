"""Figures in words: a one-line summary of training curves, and a short description of any
Plotly figure, for screen readers (the chart's accessible name) and for the caption under it."""

from __future__ import annotations

import math

import plotly.graph_objects as go

# how much the train/validation gap must grow past its narrowest to be called widening: a
# tenth of the validation loss there (noise of a few thousandths is not a trend)
WIDENING = 0.10
SHOWN_NAMES = 6  # a description lists this many traces, then says how many more


def _finite(points: list[tuple[int, float | None]]) -> list[tuple[int, float]]:
    return [(e, float(v)) for e, v in points if v is not None and math.isfinite(v)]


def gap_widening_from(history: list[dict]) -> int | None:
    """The epoch from which validation data loss pulls away from train data loss: from the
    point where validation stays above train, the epoch where the gap was narrowest, when it
    has since grown by more than WIDENING of the validation loss there."""
    points = [
        (h["epoch"], h["val_data_loss"] - h["data_loss"], h["val_data_loss"])
        for h in history
        if all(isinstance(h.get(k), int | float) for k in ("val_data_loss", "data_loss"))
        and math.isfinite(h["val_data_loss"] - h["data_loss"])
    ]
    above = len(points)
    while above > 0 and points[above - 1][1] > 0:
        above -= 1  # points[above:] have validation above train
    tail = points[above:]
    if len(tail) < 3:
        return None
    epoch, narrowest, loss_there = min(tail, key=lambda p: (p[1], p[0]))
    if epoch < tail[-1][0] and tail[-1][1] - narrowest > WIDENING * abs(loss_there):
        return epoch
    return None


def curve_summary(history: list[dict], metric: str = "loss") -> str:
    """'validation loss lowest at epoch 14 (0.281), train/validation gap widening from epoch
    18' for loss; the highest validation accuracy and the last one for accuracy."""
    if metric == "loss":
        points = _finite([(h["epoch"], h.get("val_data_loss")) for h in history])
        if not points:
            return "No validation loss yet."
        epoch, value = min(points, key=lambda item: (item[1], item[0]))
        text = f"validation loss lowest at epoch {epoch} ({value:.3g})"
        last_epoch, last = points[-1]
        if last_epoch > epoch:
            text += f", {last:.3g} at the last epoch ({last_epoch})"
        widening = gap_widening_from(history)
        text += (
            f", train/validation gap widening from epoch {widening}"
            if widening is not None
            else ", train/validation gap not widening"
        )
        return _sentence(text)
    points = _finite([(h["epoch"], h.get("val_accuracy")) for h in history])
    if not points:
        return "No validation accuracy yet."
    epoch, value = max(points, key=lambda item: (item[1], -item[0]))
    last_epoch, last = points[-1]
    text = f"validation accuracy highest at epoch {epoch} ({value:.3f})"
    if last_epoch > epoch:
        text += f", {last:.3f} at the last epoch ({last_epoch})"
    return _sentence(text)


def curves_summary(named: list[tuple[str, list[tuple[int, float]]]], metric: str) -> str:
    """One clause per named curve (a run, or a setting's mean over seeds): where it is best."""
    lower_is_better = "loss" in metric
    word = "lowest" if lower_is_better else "highest"
    parts = []
    for name, points in named:
        points = _finite(points)
        if not points:
            continue
        sign = 1 if lower_is_better else -1
        epoch, value = min(points, key=lambda item: (sign * item[1], item[0]))
        parts.append(f"{name}: {word} at epoch {epoch} ({value:.3g})")
    if not parts:
        return "No curves yet."
    return _sentence("; ".join(parts))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _axis_text(axis, values: list[float]) -> str:
    title = axis.title.text if axis and axis.title and axis.title.text else ""
    finite = [v for v in values if isinstance(v, int | float) and math.isfinite(v)]
    if not finite:
        return title
    span = f"{min(finite):.3g} to {max(finite):.3g}"
    return f"{title} {span}".strip()


def _images_text(count: int, captions: list[str]) -> str:
    """'3 images, captioned a, b, c.' or 'An image.'"""
    text = f"{count} images" if count > 1 else "An image"
    if captions:
        more = len(captions) - SHOWN_NAMES
        text += ", captioned " + ", ".join(captions[:SHOWN_NAMES])
        text += f" and {more} more" if more > 0 else ""
    return text + "."


def describe(fig: go.Figure) -> str:
    """A short description of any figure: its title, its kind, its axes and their ranges, the
    names of what it draws."""
    title = str(fig.layout.title.text or "").replace("<br>", " ")
    kinds = sorted({trace.type for trace in fig.data}) or ["empty"]
    captions = [str(a.text).replace("<br>", " ") for a in fig.layout.annotations if a.text]
    if not title and kinds == ["heatmap"]:  # an image, or a grid of them
        return _images_text(len(fig.data), captions)
    title = title or (captions[0] if captions else "Chart")
    xs, ys = [], []
    for trace in fig.data:
        for source, target in ((getattr(trace, "x", None), xs), (getattr(trace, "y", None), ys)):
            if source is not None and trace.type in ("scatter", "bar", "scattergl"):
                target.extend(v for v in source if v is not None)
    names = list(dict.fromkeys(str(t.name) for t in fig.data if t.name))
    parts = [f"{title}: {' and '.join(kinds)} chart"]
    x_text, y_text = _axis_text(fig.layout.xaxis, xs), _axis_text(fig.layout.yaxis, ys)
    if x_text:
        parts.append(f"x: {x_text}")
    if y_text:
        parts.append(f"y: {y_text}")
    if names:
        shown = ", ".join(names[:SHOWN_NAMES])
        more = len(names) - SHOWN_NAMES
        parts.append(f"shows {shown}" + (f" and {more} more" if more > 0 else ""))
    return "; ".join(parts) + "."


def groups_summary(groups, metric: str) -> str:
    """curves_summary of each setting's mean over its seeds (the band chart's solid lines)."""
    from core.runs.repeats import band

    named = []
    for group in groups:
        mean = band([job.history for job in group.runs], metric)
        label = group.label if group.seeds == 1 else f"{group.label} (mean of {group.seeds} seeds)"
        named.append((label, list(zip(mean.epochs, mean.mean, strict=True))))
    return curves_summary(named, metric.removeprefix("val_data_").replace("val_", "validation "))
