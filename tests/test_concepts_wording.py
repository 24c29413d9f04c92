"""Teaching text and numbers said right: separate λ scales, best epoch on the drawn curve."""

from pathlib import Path

import numpy as np

from core.concepts import polynomial as poly
from core.figures.runs import best_epoch, curves_figure
from core.lab.url_state import from_query, to_query
from tests.apptest_pages import open_page

ROOT = Path(__file__).resolve().parents[1]


def test_ridge_and_lasso_have_their_own_lambda_in_the_config_and_url():
    config = poly.PolyConfig(penalty="lasso", alpha=10.0, lasso_alpha=1e-3)
    assert config.penalty_alpha == 1e-3
    assert poly.PolyConfig(penalty="ridge", alpha=10.0).penalty_alpha == 10.0
    again, notices = from_query(poly.PolyConfig, to_query(config))
    assert again == config and not notices


def test_the_same_number_is_far_stronger_for_lasso_than_for_ridge():
    data = poly.make_data(poly.PolyConfig())
    lasso = poly.fit(data.x_train, data.y_train, 15, "lasso", 0.1)
    ridge = poly.fit(data.x_train, data.y_train, 15, "ridge", 10.0)
    assert np.all(lasso.coefficients == 0)
    line = poly.fit(data.x_train, data.y_train, 1)
    assert poly.mse(ridge, data.x_val, data.y_val) < poly.mse(line, data.x_val, data.y_val) / 2


def test_polynomial_page_lasso_slider_moves_only_lasso():
    at = open_page("pages/polynomial_fit.py")
    caption = next(c.value for c in at.caption if "exactly" in c.value)
    at.slider(key="poly_log_lasso").set_value(-1.0).run()
    after = next(c.value for c in at.caption if "exactly" in c.value)
    assert "sets 15 of 15" in after and caption != after
    assert caption.split(";")[0] == after.split(";")[0]  # the ridge half did not change
    assert at.query_params["lalpha"] == "0.1"


def test_best_epoch_mark_follows_the_drawn_data_loss():
    history = [
        {"epoch": e, "data_loss": 1 / e, "val_data_loss": v, "val_loss": v + p,
         "accuracy": 0.5, "val_accuracy": 0.5, "penalty": p}
        for e, v, p in ((1, 0.9, 0.0), (2, 0.5, 0.5), (3, 0.6, 0.1))
    ]  # fmt: skip
    assert best_epoch(history) == 2  # lowest val_data_loss, though val_loss is lowest at 1
    fig = curves_figure(history, "loss")
    assert fig.layout.shapes[0].x0 == 2
    old_run = [{"epoch": 1, "val_loss": 0.3}, {"epoch": 2, "val_loss": 0.2}]
    assert best_epoch(old_run) == 2  # runs without the data-loss column still work


def test_wrong_sentences_are_gone():
    lab = (ROOT / "assets/training_lab_intro.md").read_text()
    assert "L2** (weight decay)" not in lab and "like with like" not in lab
    assert "runs **with and without** L1/L2" in lab
    kfold = (ROOT / "assets/kfold_intro.md").read_text()
    assert "first repetition" in kfold
    assert "batch-norm-free" not in "".join(
        p.read_text() for p in (ROOT / "core/training").glob("*.py")
    )
