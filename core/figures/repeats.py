"""Seed groups on one chart: each setting's mean curve with its band, the seeds faint on demand."""

from __future__ import annotations

import plotly.graph_objects as go

from core.figures.runs import METRICS, add_course_lines
from core.figures.style import TRAIN_DASH, VAL_DASH, layout, run_color, run_symbol
from core.runs.repeats import Band, Group, band

SPREADS = {"std": "±1 std over seeds", "range": "min–max over seeds"}


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def band_figure(
    groups: list[Group],
    metric: str = "val_data_loss",
    spread: str = "std",
    seeds_shown: bool = False,
    course: list[tuple[str, list[dict]]] = (),
) -> go.Figure:
    """Per group: the validation mean solid with its band, the train mean dashed; each seed's
    validation curve faint when `seeds_shown`. The legend says how many seeds, the title which
    spread the band is."""
    title, train_key = METRICS[metric]
    fig = go.Figure()
    add_course_lines(fig, course, metric)
    for index, group in enumerate(groups):
        label, histories = group.label, [job.history for job in group.runs]
        val, train = band(histories, metric), band(histories, train_key)
        color = run_color(index)
        seeds = max(val.count, default=0)
        name = f"{label} (mean of {seeds} seed{'s' if seeds != 1 else ''})"
        if seeds > 1:
            low, high = _edges(val, spread)
            fig.add_scatter(
                x=val.epochs + val.epochs[::-1],
                y=high + low[::-1],
                fill="toself",
                fillcolor=_rgba(color, 0.18),
                line={"width": 0},
                hoverinfo="skip",
                name=f"{label}: {SPREADS[spread]}",
                legendgroup=label,
                showlegend=False,
            )
        if seeds_shown:
            for history in histories:
                fig.add_scatter(
                    x=[h["epoch"] for h in history],
                    y=[h.get(metric) for h in history],
                    line={"color": _rgba(color, 0.35), "width": 1},
                    name=f"{label} (one seed)",
                    legendgroup=label,
                    showlegend=False,
                )
        fig.add_scatter(  # curves that coincide stay told apart: wider first, own markers
            x=val.epochs,
            y=val.mean,
            name=name,
            mode="lines+markers",
            line={"color": color, "dash": VAL_DASH, "width": 2 + 1.5 * (len(groups) - 1 - index)},
            marker={"symbol": run_symbol(index), "size": 8, "maxdisplayed": 12},
            legendgroup=label,
        )
        if train.epochs:
            fig.add_scatter(
                x=train.epochs,
                y=train.mean,
                name=f"{label} (train mean)",
                line={"color": color, "dash": TRAIN_DASH, "width": 1},
                legendgroup=label,
                showlegend=False,
            )
    heading = f"{title}: mean over seeds (solid), band = {SPREADS[spread]}, dashed = train"
    layout(fig, heading, "epoch", title, height=440)
    if metric == "val_data_loss" and (top := _loss_view_top(groups, metric)):
        fig.update_yaxes(range=[0, top])  # the first epochs' high losses would flatten the rest
    return fig


def _loss_view_top(groups: list[Group], metric: str) -> float | None:
    """A loss axis's top that shows where the runs settle and turn: 1.5 × the highest value
    after the first tenth of the epochs, when the first epochs reach more than twice that."""
    settled, early = [], []
    for group in groups:
        for job in group.runs:
            values = [h.get(metric) for h in job.history]
            values = [v for v in values if isinstance(v, (int, float)) and v == v]
            cut = max(1, len(values) // 10)
            early += values[:cut]
            settled += values[cut:]
    if not settled or not early:
        return None
    top = 1.5 * max(settled)
    return top if max(early) > 2 * top / 1.5 else None


def _edges(band: Band, spread: str) -> tuple[list[float], list[float]]:
    if spread == "range":
        return band.low, band.high
    return (
        [m - s for m, s in zip(band.mean, band.std, strict=True)],
        [m + s for m, s in zip(band.mean, band.std, strict=True)],
    )
