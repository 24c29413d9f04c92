"""Titles and legends fit: subplot legends under the plot, long titles wrapped under the
toolbar, presentation legends below the larger axis titles."""

import numpy as np

from core.figures import batchnorm
from core.figures.runs import curves_figure
from core.figures.style import (
    MODEBAR_ROOM,
    fit_title,
    legend_clear_of_axis,
    legend_rows,
    presentation_style,
    room_for_legend,
    title_chars,
    wrap_title,
)


def _subplot_title_floor(fig) -> float:
    """The lowest paper y of the figure's subplot titles (annotations above the plots)."""
    return min(a.y for a in fig.layout.annotations if a.yref == "paper")


def test_batch_norm_legends_sit_under_the_plots_not_over_the_subplot_titles():
    rng = np.random.default_rng(0)
    z = rng.normal(size=64)
    batch = rng.normal(size=(64, 16))
    running = {"mean": rng.normal(size=(30, 16)), "var": rng.random((30, 16))}
    figures = [
        batchnorm.histograms_figure(z, (z - z.mean()) / z.std(), 2 * z + 1),
        batchnorm.units_figure(batch.mean(axis=0), batch.var(axis=0), batch),
        batchnorm.running_figure(running, (batch.mean(axis=0), batch.var(axis=0)), 3),
    ]
    for fig in figures:
        legend = fig.layout.legend
        assert legend.yanchor == "top" and legend.y < 0, legend  # hangs below the x axis
        assert _subplot_title_floor(fig) >= 1.0


def _history(epochs: int = 12) -> list[dict]:
    return [
        {
            "epoch": e,
            "loss": 1 / e,
            "data_loss": 1 / e,
            "val_loss": 1.2 / e + 0.01 * e,
            "val_data_loss": 1.2 / e + 0.01 * e,
            "accuracy": 1 - 0.5 / e,
            "val_accuracy": 1 - 0.6 / e,
            "seconds": 0.1,
        }
        for e in range(1, epochs + 1)
    ]


def test_a_long_title_is_wrapped_between_words_and_given_room_under_the_toolbar():
    fig = curves_figure(_history(), "loss")
    title = fig.layout.title.text
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    fit_title(fig, title_chars(presentation=True))
    assert fig.layout.height - fig.layout.margin.t - fig.layout.margin.b == plot  # not squeezed
    lines = fig.layout.title.text.split("<br>")
    assert " ".join(lines) == title.replace("<br>", " ")  # every word kept, none cut
    assert all(len(line) <= title_chars(presentation=True) for line in lines)
    assert fig.layout.title.yref == "container" and fig.layout.title.yanchor == "top"
    assert (1 - fig.layout.title.y) * fig.layout.height >= MODEBAR_ROOM
    assert fig.layout.margin.t >= MODEBAR_ROOM + len(lines) * 16  # 12 px text × 1.35


def test_a_legend_under_the_plot_sits_at_the_figure_bottom_with_automatic_margins():
    fig = presentation_style(curves_figure(_history(), "loss"))
    legend_clear_of_axis(fig)
    legend = fig.layout.legend
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0.0, "bottom")
    assert fig.layout.xaxis.automargin  # the ticks and axis title stay above it


def test_wrap_title_keeps_short_titles_and_existing_breaks():
    assert wrap_title("Loss", 10) == "Loss"
    assert wrap_title("one two three four", 9) == "one two<br>three<br>four"
    assert wrap_title("a<br>b c", 3) == "a<br>b c"


def test_a_legend_that_wraps_gets_its_rows_added_to_the_height():
    fig = presentation_style(curves_figure(_history(), "loss"))
    height = fig.layout.height
    rows = legend_rows(fig, 440)
    assert rows >= 2  # "best epoch … (lowest validation data loss)" alone fills a row
    room_for_legend(fig, 440)
    assert fig.layout.height >= height + (rows - 1) * fig.layout.legend.font.size
    assert legend_rows(curves_figure(_history(), "loss"), 2000) == 1
