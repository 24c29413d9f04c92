"""Home: what the app teaches, with a link to every page."""

import streamlit as st

from pages.ui.runtime import markdown

st.title("Regularization Lab")
markdown("home")
st.page_link(
    "pages/training_lab.py",
    label="Training Lab: train a real Keras model live",
    icon=":material/science:",
)
st.page_link(
    "pages/experiments.py",
    label="Lecture experiments: the course's comparisons, one click each",
    icon=":material/compare:",
)
st.page_link(
    "pages/compare_runs.py",
    label="Compare runs: overlay, sort, export and import",
    icon=":material/stacked_line_chart:",
)
st.page_link(
    "pages/kfold.py",
    label="K-fold validation: folds, their average, the final retrain",
    icon=":material/view_week:",
)
st.page_link(
    "pages/search.py",
    label="Hyperparameter search with Optuna",
    icon=":material/tune:",
)
st.page_link(
    "pages/polynomial_fit.py",
    label="Underfit vs overfit: polynomial fits, ridge and lasso",
    icon=":material/show_chart:",
)
st.page_link(
    "pages/backprop.py",
    label="Backpropagation, step by step: the course's worked example",
    icon=":material/account_tree:",
)
