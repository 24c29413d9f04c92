"""Regularization Lab: the entry point that starts the worker pool and lays out the pages."""

import streamlit as st

from pages.ui.classroom import class_code
from pages.ui.controls import controls
from pages.ui.navigation import sidebar_navigation
from pages.ui.runtime import (
    FIGURE_FORMATS,
    apply_accessible_css,
    apply_presentation_css,
    heartbeat,
    job_manager,
    remember_learner,
    saving_notice,
    seed_presentation,
)

st.set_page_config(page_title="Regularization Lab", page_icon=":material/science:", layout="wide")

PAGES = {
    "Overview": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)],
    "Train": [
        st.Page("pages/training_lab.py", title="Training Lab", icon=":material/science:"),
        st.Page("pages/experiments.py", title="Lecture experiments", icon=":material/compare:"),
        st.Page("pages/course_data.py", title="Course data", icon=":material/dataset:"),
        st.Page(
            "pages/compare_runs.py", title="Compare runs", icon=":material/stacked_line_chart:"
        ),
    ],
    "Class": [
        st.Page("pages/class_board.py", title="Class board", icon=":material/leaderboard:"),
    ],
    "Validate and tune": [
        st.Page("pages/kfold.py", title="K-fold validation", icon=":material/view_week:"),
        st.Page("pages/search.py", title="Hyperparameter search", icon=":material/tune:"),
    ],
    "Concepts": [
        st.Page(
            "pages/polynomial_fit.py", title="Underfit vs overfit", icon=":material/show_chart:"
        ),
        st.Page("pages/backprop.py", title="Backprop step-through", icon=":material/account_tree:"),
        st.Page("pages/dropout.py", title="Dropout", icon=":material/grain:"),
        st.Page("pages/batchnorm.py", title="Batch normalization", icon=":material/equalizer:"),
        st.Page("pages/l1_l2.py", title="L1 vs L2", icon=":material/diamond:"),
        st.Page("pages/weight_decay.py", title="Weight decay vs L2", icon=":material/compress:"),
        st.Page("pages/early_stopping.py", title="Early stopping", icon=":material/timer_off:"),
    ],
}

navigation_box = st.sidebar.container(key="reglab_nav")  # the page list, first in the sidebar
st.session_state.app_ran = True  # pages.ui.runtime.through_app: the real navigation ran
job_manager()  # start the workers now, so TensorFlow is loaded before the first Train click
seed_presentation()  # a link with present=1 opens in presentation mode
class_code()  # a join link's class=CODE is kept for the session, on every page
controls(st.sidebar).toggle(
    "Presentation mode",
    key="presentation",
    help="Larger fonts and figure text, for projectors and screenshots.",
)
apply_presentation_css()
apply_accessible_css()
st.sidebar.selectbox(
    "Camera button saves",
    list(FIGURE_FORMATS),
    format_func=FIGURE_FORMATS.get,
    key="figure_format",
    help="What a chart's camera button (top right, on hover) downloads: a 16:9 PNG for slides "
    "(1920×1080), the same as SVG, or the chart as on screen at 3× resolution.",
)
with st.sidebar:
    heartbeat()
    remember_learner()
saving_notice()
page = st.navigation(PAGES, position="hidden")
sidebar_navigation(navigation_box, PAGES)
st.session_state.page_title = page.title  # figure downloads are named after their page
page.run()
