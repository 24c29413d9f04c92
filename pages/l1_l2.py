"""L1 vs L2: where the penalty meets the loss, and each weight's path as λ grows."""

import streamlit as st

from core.concepts import penalties as pen
from core.figures import penalties as plots
from core.lab.url_state import field_range
from pages.ui import page_state, run_group
from pages.ui.controls import controls
from pages.ui.runtime import chart, markdown, through_app

through_app()  # first: a deep link opens the real app

st.title("L1 vs L2 penalties")
markdown("l1_l2_intro")
page_state.start("pen", pen.PenaltyConfig)

sb = controls(st.sidebar)
sb.header("Problem")
sb.slider(
    "Feature correlation",
    *field_range(pen.PenaltyConfig, "correlation"),
    step=0.05,
    key="pen_correlation",
)
sb.slider("Noise", *field_range(pen.PenaltyConfig, "noise"), step=0.1, key="pen_noise")
sb.number_input("Seed", *field_range(pen.PenaltyConfig, "seed"), step=1, key="pen_seed")

controls().slider(
    "log₁₀ λ (penalty strength)",
    *field_range(pen.PenaltyConfig, "log_lam"),
    step=0.05,
    key="pen_log_lam",
)
config = page_state.read("pen", pen.PenaltyConfig)
page_state.save("pen", config)

X, y = pen.make_problem(config)
path = pen.paths(X, y, pen.LAMS)
w_l1, w_l2 = pen.lasso(X, y, config.lam), pen.ridge(X, y, config.lam)
w_ls = pen.least_squares(X, y)
chart(plots.contour_figure(X, y, config.lam, path), key="pen_contours")
c1, c2, c3 = controls().columns(3)
c1.metric("no penalty", f"({w_ls[0]:.3f}, {w_ls[1]:.3f})")
c2.metric("L1 optimum", f"({w_l1[0]:.3f}, {w_l1[1]:.3f})")
c3.metric("L2 optimum", f"({w_l2[0]:.3f}, {w_l2[1]:.3f})")
zeros = int((w_l1 == 0).sum())
st.caption(
    f"At λ = {config.lam:.3g}, L1 sets {zeros} of 2 weights to exactly zero "
    f"(all of them from λ = {pen.lam_max(X, y):.3g} on); L2 has shrunk ‖w‖ from "
    f"{(w_ls**2).sum() ** 0.5:.3f} to {(w_l2**2).sum() ** 0.5:.3f} and zeroes neither."
)
markdown("l1_l2_picture")

st.subheader("The coefficient path")
chart(plots.path_figure(pen.LAMS, path, config.lam), key="pen_path")
markdown("l1_l2_networks")
run_group.slips(pen.COURSE_SLIPS)
