"""Home: what the app teaches, where to start, and a link to every page (each once)."""

import streamlit as st

from pages.ui import page_state
from pages.ui.runtime import markdown, through_app

through_app()  # first: a deep link opens the real app

page_state.no_settings()
st.title("Regularization Lab")
markdown("home")

LINKS = {
    "Start here": [
        ("pages/training_lab.py", "Training Lab", "train a real Keras model and watch it overfit"),
    ],
    "Train": [
        ("pages/experiments.py", "Lecture experiments", "the course's comparisons, one click each"),
        ("pages/course_data.py", "Course data", "the notebooks' data: reviews, images, splits"),
        ("pages/compare_runs.py", "Compare runs", "overlay, sort, download and import runs"),
    ],
    "Class": [
        ("pages/class_board.py", "Class board", "a class's runs live, missions, predictions"),
    ],
    "Validate and tune": [
        ("pages/kfold.py", "K-fold validation", "folds, their average, the final retrain"),
        ("pages/search.py", "Hyperparameter search", "Optuna searches the settings for you"),
    ],
    "Concepts (no training needed)": [
        ("pages/polynomial_fit.py", "Underfit vs overfit", "polynomial fits, ridge and lasso"),
        ("pages/backprop.py", "Backprop step-through", "the course's worked example"),
        ("pages/dropout.py", "Dropout", "which units drop on each pass, and the scaling"),
        ("pages/batchnorm.py", "Batch normalization", "a mini-batch before and after"),
        ("pages/l1_l2.py", "L1 vs L2", "the diamond, the circle and the exact zero"),
        ("pages/weight_decay.py", "Weight decay vs L2", "the same for SGD, not for Adam"),
        ("pages/early_stopping.py", "Early stopping", "patience, min_delta, restore best"),
    ],
}
for group, links in LINKS.items():
    st.subheader(group)
    for page, title, what in links:
        st.page_link(page, label=f"**{title}** — {what}")

st.caption("Every page keeps its settings in the address bar: copy the link to share the setup.")
