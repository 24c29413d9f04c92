"""Polynomial fit: underfit, good fit and overfit, and how ridge and lasso tame a wiggly fit."""

import math

import streamlit as st

from core.concepts import polynomial as poly
from core.figures import polynomial as plots
from core.lab.url_state import field_range
from pages.ui import page_state
from pages.ui.controls import controls
from pages.ui.runtime import chart, markdown, through_app

through_app()  # first: a deep link opens the real app

st.title("Underfit, good fit, overfit")
markdown("polynomial_intro")
start = page_state.start("poly", poly.PolyConfig)
log_alpha = math.log10(start.alpha) if start.alpha > 0 else -8.0
st.session_state.setdefault("poly_log_alpha", min(2.0, max(-8.0, log_alpha)))
log_lasso = math.log10(start.lasso_alpha) if start.lasso_alpha > 0 else -7.0
st.session_state.setdefault("poly_log_lasso", min(0.0, max(-7.0, log_lasso)))

sb = controls(st.sidebar)
sb.header("Data")
sb.radio("Curve", list(poly.CURVES), key="poly_curve", format_func=lambda c: poly.CURVES[c][0])
sb.slider("Training samples", *field_range(poly.PolyConfig, "n_samples"), key="poly_n_samples")
sb.slider("Noise (std)", *field_range(poly.PolyConfig, "noise"), step=0.01, key="poly_noise")
sb.number_input("Seed", *field_range(poly.PolyConfig, "seed"), step=1, key="poly_seed")
sb.slider("Cross-validation folds k", *field_range(poly.PolyConfig, "folds"), key="poly_folds")

controls().slider("Polynomial degree", *field_range(poly.PolyConfig, "degree"), key="poly_degree")
config = page_state.read("poly", poly.PolyConfig)
data = poly.make_data(config)
chart(
    plots.fit_figure(data, poly.fit(data.x_train, data.y_train, config.degree), config.curve),
    key="poly_fit",
)

rows = poly.errors_by_degree(config, data)
best = poly.best_degree(rows)
st.subheader("Three models, three diagnoses")
panel_degrees = (1, best, poly.overfit_panel_degree(best))
panel_models = [poly.fit(data.x_train, data.y_train, d) for d in panel_degrees]
st.caption(f"Noisy samples of {poly.CURVES[config.curve][0]}, one y range for all three.")
panels = plots.panel_figures(data, panel_models, ["Underfit", "Good fit", "Overfit"], config.curve)
for column, (index, figure) in zip(st.columns(3), enumerate(panels), strict=True):
    with column:
        chart(figure, key=f"poly_panel_{index}")
markdown("polynomial_panels")

st.subheader("Error against degree: the U-curve")
folds = poly.used_folds(config, data)
chart(plots.u_curve_figure(rows, best, folds), key="poly_ucurve")
if folds < config.folds:
    st.caption(f"{config.folds} folds asked, {folds} used: there are {folds} training samples.")
markdown("polynomial_ucurve")

st.subheader("Regularization tames a high-degree fit")
c1, c2, c3, c4 = controls().columns(4)
c1.radio(
    "Penalty",
    poly.PENALTIES,
    key="poly_penalty",
    horizontal=True,
    format_func={"none": "none", "ridge": "ridge (L2)", "lasso": "lasso (L1)"}.get,
)
c2.slider("log₁₀ λ, ridge", -8.0, 2.0, step=0.25, key="poly_log_alpha")
c3.slider("log₁₀ λ, lasso", -7.0, 0.0, step=0.25, key="poly_log_lasso")
c4.slider(
    "Degree to regularize",
    *field_range(poly.PolyConfig, "overfit_degree"),
    key="poly_overfit_degree",
)
config = page_state.read(
    "poly",
    poly.PolyConfig,
    alpha=10**st.session_state.poly_log_alpha,
    lasso_alpha=10**st.session_state.poly_log_lasso,
)
page_state.save("poly", config)

degree = config.overfit_degree
plain = poly.fit(data.x_train, data.y_train, degree)
tamed = poly.fit(data.x_train, data.y_train, degree, config.penalty, config.penalty_alpha)
left, right = controls().columns(2)
with left:
    chart(plots.fit_figure(data, plain, config.curve), key="poly_plain")
with right:
    chart(plots.fit_figure(data, tamed, config.curve), key="poly_tamed")
ridge = poly.fit(data.x_train, data.y_train, degree, "ridge", config.alpha)
lasso = poly.fit(data.x_train, data.y_train, degree, "lasso", config.lasso_alpha)
chart(
    plots.coefficients_figure([plain, ridge, lasso], ["least squares", "ridge (L2)", "lasso (L1)"]),
    key="poly_coefficients",
)
zeros = int((lasso.coefficients == 0).sum())
st.caption(
    f"Ridge at λ = {config.alpha:.2g} shrinks ‖w‖ from {plain.norm:,.2f} to {ridge.norm:,.2f}; "
    f"lasso at λ = {config.lasso_alpha:.2g} sets {zeros} of {degree} coefficients to exactly "
    "zero."
)
markdown("polynomial_regularization")
