"""Figures stay readable: no label on the curves, legends under the plot, presentation sizes."""

from streamlit.testing.v1 import AppTest

from core.figures.runs import curves_figure
from core.figures.style import PRESENTATION_SIZES, presentation_style

HISTORY = [
    {"epoch": e, "data_loss": 1 / e, "val_data_loss": 1 / e + (e - 3) ** 2 / 20}
    | {"accuracy": 0.5, "val_accuracy": 0.5}
    for e in range(1, 8)
]


def test_best_epoch_is_named_in_the_legend_not_written_over_the_curves():
    fig = curves_figure(HISTORY)
    assert not fig.layout.annotations
    assert any(t.name == "best epoch 4 (lowest validation data loss)" for t in fig.data)
    assert fig.layout.legend.y < 0  # under the plot, clear of the title and the top tick


def test_presentation_style_enlarges_titles_ticks_and_legends():
    fig = presentation_style(curves_figure(HISTORY))
    assert fig.layout.title.font.size == PRESENTATION_SIZES["title"]
    assert fig.layout.xaxis.tickfont.size == PRESENTATION_SIZES["ticks"]
    assert fig.layout.yaxis.title.font.size == PRESENTATION_SIZES["axis_title"]
    assert fig.layout.legend.font.size == PRESENTATION_SIZES["legend"]


def test_presentation_mode_lives_in_the_url():
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    assert at.session_state.presentation is True
    assert at.query_params["present"] in ("1", ["1"])


def test_image_captions_are_legible():
    import numpy as np

    from core.figures.runs import images_grid_figure

    fig = images_grid_figure(np.zeros((12, 8, 8)), ["Sneaker→Sandal"] * 12)
    assert all(a.font.size >= 14 for a in fig.layout.annotations)
    assert fig.layout.annotations[0].text == "Sneaker<br>→ Sandal"
    assert fig.layout.height >= 2 * 180


def test_long_titles_wrap_and_slice_plot_ticks_do_not_crowd():
    from core.concepts import polynomial as poly
    from core.figures.polynomial import fit_figure
    from core.figures.search import optuna_figures
    from tests.test_search import GOOD, TINY

    config = poly.PolyConfig()
    data = poly.make_data(config)
    title = fit_figure(data, poly.fit(data.x_train, data.y_train, 15), config.curve).layout.title
    assert "<br>" in title.text and max(len(line) for line in title.text.split("<br>")) < 60
    records = [
        {
            "number": i,
            "state": "COMPLETE",
            "value": 0.5 + i / 10,
            "params": {**GOOD, "units": 8 + i},
            "distributions": {},
            "intermediate": {},
            "seconds": 1.0,
            "attrs": {},
        }
        for i in range(3)
    ]
    import optuna

    from core.lab.search import suggest_config

    trial = optuna.create_study().ask()
    suggest_config(trial, TINY)
    for record in records:
        record["distributions"] = {
            name: optuna.distributions.distribution_to_json(trial.distributions[name])
            for name in record["params"]
        }
    sliced = optuna_figures(records)["Slice"]
    assert all(axis.nticks == 4 and axis.tickangle == -40 for axis in sliced.select_xaxes())
