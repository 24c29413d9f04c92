"""Figures that do not rely on color alone: Okabe–Ito colors at 3:1 on the light and the dark
theme, train and validation told apart by dash, runs and classes by shape, the best epoch by
a star; every chart named for screen readers, training charts summarized in words."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from core.figures.repeats import band_figure
from core.figures.runs import curves_figure, overlay_figure, points_figure
from core.figures.style import (
    BEST_SYMBOL,
    DARK_PARTNERS,
    PALETTE,
    TRAIN_DASH,
    VAL_DASH,
    for_dark_theme,
    run_symbol,
)
from core.figures.summary import curve_summary, curves_summary, describe, gap_widening_from
from core.runs.repeats import Group
from tests.apptest_pages import open_page

LIGHT_BACKGROUND, DARK_BACKGROUND = "#FFFFFF", "#171614"  # Streamlit's two themes
CONCEPT_PAGES = (
    "pages/polynomial_fit.py",
    "pages/dropout.py",
    "pages/batchnorm.py",
    "pages/l1_l2.py",
    "pages/weight_decay.py",
    "pages/early_stopping.py",
    "pages/backprop.py",
)


def luminance(color: str) -> float:
    channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


NAMED = {"black": "#000000", "white": "#FFFFFF"}


def line_and_mark_colors(fig: go.Figure) -> list[str]:
    """The solid colors lines and marks are drawn in (fills, faint seeds and color scales are
    decoration on top of what these show)."""
    found = []
    for trace in fig.data:
        for part in (getattr(trace, "line", None), getattr(trace, "marker", None)):
            color = getattr(part, "color", None) if part is not None else None
            if isinstance(color, str):
                color = NAMED.get(color, color)
                if color.startswith("#") and len(color) == 7:
                    found.append(color)
    return found


def history(epochs: int = 20, turn: int = 8) -> list[dict]:
    return [
        {
            "epoch": e,
            "data_loss": 1 / e,
            "val_data_loss": 0.4 + 0.02 * abs(e - turn),
            "accuracy": 0.5 + e / 100,
            "val_accuracy": 0.6 + min(e, 12) / 100,
        }
        for e in range(1, epochs + 1)
    ]


def test_run_palette_is_okabe_ito_at_three_to_one_on_both_themes():
    assert len(set(PALETTE)) == len(PALETTE) >= 5
    for color in PALETTE:
        assert contrast(color, LIGHT_BACKGROUND) >= 3, color
        assert contrast(DARK_PARTNERS.get(color, color), DARK_BACKGROUND) >= 3, color


@pytest.mark.parametrize("page", CONCEPT_PAGES)
def test_every_line_on_a_concept_page_has_three_to_one_contrast_in_both_themes(page):
    at = open_page(page)
    charts = at.get("plotly_chart")
    assert charts
    for element in charts:
        fig = go.Figure(json.loads(element.proto.spec))
        title = fig.layout.title.text
        for color in line_and_mark_colors(fig):
            assert contrast(color, LIGHT_BACKGROUND) >= 3, (page, title, color)
        for color in line_and_mark_colors(for_dark_theme(fig)):
            assert contrast(color, DARK_BACKGROUND) >= 3, (page, title, color, "dark")
        assert element.proto.alt.startswith(str(title).split("<br>")[0][:30])  # named


def test_train_and_validation_differ_by_dash_and_the_best_epoch_by_a_star():
    fig = curves_figure(history(), "loss")
    traces = {t.name: t for t in fig.data}
    assert traces["train"].line.dash == TRAIN_DASH != VAL_DASH == traces["validation"].line.dash
    best = next(t for t in fig.data if str(t.name).startswith("best epoch 8"))
    assert best.marker.symbol == BEST_SYMBOL and list(best.x) == [8]
    assert list(best.y) == [pytest.approx(0.4)]  # on the validation curve, at its lowest


def test_overlaid_runs_and_seed_groups_differ_by_shape_too():
    runs = [(f"run-{i}", history(turn=5 + i)) for i in range(7)]
    fig = overlay_figure(runs, colors=list(range(7)))
    shapes = [t.marker.symbol for t in fig.data if t.showlegend is not False]
    assert len(set(shapes)) == 7 and shapes[0] == run_symbol(0)

    class Job:
        def __init__(self, h):
            self.history = h

    groups = [Group(f"g{i}", f"setting {i}", [Job(history(turn=6 + i))]) for i in range(3)]
    band = band_figure(groups, "val_data_loss")
    symbols = {t.marker.symbol for t in band.data if t.mode and "markers" in t.mode}
    assert len(symbols) == 3


def test_classes_of_points_differ_by_shape():
    import numpy as np

    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    fig = points_figure(x, np.array([0, 1]))
    assert len({t.marker.symbol for t in fig.data}) == 2


def test_dark_theme_swaps_dark_colors_for_their_light_partners():
    fig = curves_figure(history(), "loss", color=PALETTE[0])
    dark = for_dark_theme(fig)
    assert PALETTE[0] not in json.dumps(dark.to_plotly_json(), default=str)
    assert DARK_PARTNERS[PALETTE[0]] in {t.line.color for t in dark.data}
    assert [t.name for t in dark.data] == [t.name for t in fig.data]  # nothing else changes


def test_the_loss_summary_says_where_validation_is_lowest_and_the_gap_widens():
    text = curve_summary(history(turn=8), "loss")
    assert text.startswith("Validation loss lowest at epoch 8 (0.4)")
    assert "0.64 at the last epoch (20)" in text
    # validation starts below train (dropout-like): the gap is counted once it is above,
    # from epoch 2, narrowest there
    assert gap_widening_from(history(turn=8)) == 2
    assert "gap widening from epoch 2" in text
    steady = [{"epoch": e, "data_loss": 1 / e, "val_data_loss": 1.1 / e} for e in range(1, 9)]
    assert "not widening" in curve_summary(steady, "loss")
    assert curve_summary([], "loss") == "No validation loss yet."


def test_the_accuracy_summary_and_the_runs_summary():
    assert curve_summary(history(), "accuracy").startswith(
        "Validation accuracy highest at epoch 12 (0.720)"
    )
    text = curves_summary([("a", [(1, 0.5), (2, 0.3)]), ("b", [(1, 0.2), (2, 0.4)])], "loss")
    assert text == "A: lowest at epoch 2 (0.3); b: lowest at epoch 1 (0.2)."


def test_any_figure_is_described_by_its_title_axes_and_traces():
    text = describe(curves_figure(history(), "loss"))
    assert text.startswith("Loss (data part")
    assert "x: epoch 1 to 20" in text and "cross-entropy" in text
    assert "shows train, validation" in text


def test_an_image_grid_is_described_by_its_captions():
    import numpy as np

    from core.figures.runs import images_grid_figure

    fig = images_grid_figure(np.zeros((3, 4, 4)), ["label 3", "label 7", "7→1"], columns=3)
    assert describe(fig) == "3 images, captioned label 3, label 7, 7 → 1."


def test_a_one_hue_scale_turns_round_in_the_dark_theme_and_its_legend_says_so():
    from core.concepts import dropout as do
    from core.figures.dropout import network_figure

    fig = for_dark_theme(network_figure(do.view(do.DropoutConfig()), (0.0, 0.5)))
    kept = next(t for t in fig.data if str(t.name).startswith("kept"))
    assert kept.marker.reversescale is True
    assert kept.name == "kept (brighter = larger activation)"
