"""AppTest: the polynomial page renders, reacts to the degree slider, keeps its URL."""

import json

from streamlit.testing.v1 import AppTest

from tests.apptest_pages import open_page


def open_this_page(params=None) -> AppTest:
    return open_page("pages/polynomial_fit.py", params)


def fitted_curve(at: AppTest) -> list[float]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return next(trace["y"] for trace in spec["data"] if trace["name"] == "model")


def test_degree_slider_changes_the_fitted_trace():
    at = open_this_page()
    before = fitted_curve(at)
    at.slider(key="poly_degree").set_value(9).run()
    after = fitted_curve(at)
    assert before != after
    assert at.query_params["deg"] == "9"


def test_panels_u_curve_and_coefficients_render():
    at = open_this_page()
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any("U" in t or "complexity" in t for t in titles)
    assert any("Coefficient" in t for t in titles)
    assert any("exactly zero" in c.value for c in at.caption)


def test_url_opens_the_same_view_and_bad_values_fall_back():
    at = open_this_page({"deg": "7", "curve": "cosine", "noise": "lots"})
    assert at.slider(key="poly_degree").value == 7
    assert at.radio(key="poly_curve").value == "cosine"
    assert len(at.warning) == 1


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_overfit_panel_does_not_follow_the_regularization_degree():
    at = open_this_page({"over": "3"})
    titles = [s["layout"].get("title", {}).get("text", "") for s in specs(at)]
    overfit = next(t for t in titles if t.startswith("Overfit"))
    assert overfit.startswith("Overfit: degree 15<br>"), overfit
    assert sum(t.startswith(("Underfit", "Good fit", "Overfit")) for t in titles) == 3


def test_cv_legend_names_the_folds_really_used():
    at = open_this_page({"n": "8", "k": "20"})
    names = [t.get("name", "") for s in specs(at) for t in s["data"]]
    assert "8-fold CV" in names and "20-fold CV" not in names
    assert any("8 used" in c.value for c in at.caption)


def test_norm_caption_rounds_both_norms_alike():
    at = open_this_page()
    caption = next(c.value for c in at.caption if "shrinks" in c.value)
    before, after = caption.split("from ")[1].split("; ")[0].split(" to ")
    assert len(before.split(".")[1]) == len(after.split(".")[1]) == 2
