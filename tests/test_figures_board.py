"""The class board's figures, inspected as Plotly objects (no browser)."""

from __future__ import annotations

from core.classroom.board import BoardRow
from core.figures.board import (
    board_curves,
    predictions_figure,
    setting_colors,
    setting_scatter,
)
from core.figures.style import PALETTE
from tests.classroom_runs import history


def row(setting: str, who: str = "learner 1", loss: float | None = 0.5, **extra) -> BoardRow:
    values = {
        "key": f"k-{who}-{setting}",
        "who": who,
        "setting": setting,
        "differs": "",
        "history": history(4, 0.2),
        "status": "finished",
        "best_val_loss": loss,
        "best_epoch": 2,
        "val_accuracy": 0.8,
        "test_accuracy": None,
    }
    return BoardRow(**{**values, **extra})


def test_curves_draw_every_run_and_one_legend_entry_per_value():
    rows = [row("0.5", "a"), row("0", "b"), row("0.5", "c"), row("0.2", "d")]
    fig = board_curves(rows, "Dropout p")
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == ["Dropout p = 0", "Dropout p = 0.2", "Dropout p = 0.5"]  # ordered
    assert len({t.line.color for t in fig.data}) == 3
    assert list(fig.data[0].x) == [1, 2, 3, 4]  # epochs as Keras counts them
    half = fig.data[2]  # the two runs at 0.5: one trace, a gap between them
    assert list(half.x) == [1, 2, 3, 4, None, 1, 2, 3, 4]
    assert [t for t in half.text if t] == ["a<br>Dropout p = 0.5"] * 4 + [
        "c<br>Dropout p = 0.5"
    ] * 4
    assert "Dropout p" in fig.layout.title.text


def test_highlighted_runs_are_drawn_thicker_under_the_same_legend_entry():
    fig = board_curves([row("0.5", "a"), row("0.5", "b", highlighted=True)], "Dropout p")
    thin, bold = fig.data
    assert bold.line.width > thin.line.width and bold.line.color == thin.line.color
    assert thin.showlegend and not bold.showlegend
    alone = board_curves([row("0.1", "z", highlighted=True)], "Dropout p")
    assert alone.data[0].showlegend


def test_names_never_reach_the_legend_and_are_escaped_in_hover_text():
    fig = board_curves([row("0.1", "<b>Eve</b>")], "Dropout p")
    trace = fig.data[0]
    assert "Eve" not in trace.name
    assert all("<b>Eve" not in t and "&lt;b&gt;Eve" in t for t in trace.text)
    scatter = setting_scatter([row("0.1", "<i>x</i>")], "Dropout p")
    assert list(scatter.data[0].text) == ["&lt;i&gt;x&lt;/i&gt;"]


def test_numeric_settings_run_along_viridis_and_others_take_okabe_ito():
    numeric = setting_colors(["0.1", "0.7", "0.4"])
    assert numeric["0.1"] != numeric["0.7"] and len(set(numeric.values())) == 3
    assert not set(numeric.values()) & set(PALETTE)
    named = setting_colors(["adam", "sgd", "adam", "rmsprop"])
    assert list(named.values()) == list(PALETTE[:3])


def test_the_scatter_is_the_class_search_one_point_per_finished_run():
    rows = [row("0.001", "a", 0.4), row("0.1", "b", 0.9), row("0.01", "c", None)]
    fig = setting_scatter(rows, "Learning rate", key="lr")
    assert list(fig.data[0].x) == [0.001, 0.1] and list(fig.data[0].y) == [0.4, 0.9]
    assert fig.layout.xaxis.type == "log"
    units = setting_scatter([row("64,64", "a"), row("16", "b", highlighted=True)], "Units")
    assert units.layout.xaxis.type == "category"
    assert list(units.data[0].marker.symbol) == ["circle", "diamond"]


def test_empty_figures_say_what_will_appear():
    assert "No run published" in board_curves([], "Dropout p").layout.annotations[0].text
    assert "finished run" in setting_scatter([], "Dropout p").layout.annotations[0].text


def test_predictions_draw_what_the_runs_showed_dark():
    counts = {"It lowers": 5, "It raises": 2, "No difference": 1}
    fig = predictions_figure(counts, showed="It lowers")
    bar = fig.data[0]
    assert list(bar.y) == list(counts) and list(bar.x) == [5, 2, 1]
    assert bar.marker.color[0] != bar.marker.color[1] == bar.marker.color[2]
    assert "what the runs showed" in fig.layout.title.text
    assert "what the runs" not in predictions_figure(counts).layout.title.text
