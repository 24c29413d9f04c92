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
st.page_link(
    "pages/dropout.py",
    label="Dropout: which units drop on each forward pass, and why the rest are scaled",
    icon=":material/grain:",
)
st.page_link(
    "pages/batchnorm.py",
    label="Batch normalization: a layer's values over a mini-batch, before and after",
    icon=":material/equalizer:",
)
st.page_link(
    "pages/l1_l2.py",
    label="L1 vs L2: the diamond, the circle and the weight that becomes exactly zero",
    icon=":material/diamond:",
)
st.page_link(
    "pages/weight_decay.py",
    label="Weight decay vs L2: the same for SGD, not for Adam (AdamW)",
    icon=":material/compress:",
)
st.page_link(
    "pages/early_stopping.py",
    label="Early stopping: patience, min_delta and restore_best_weights",
    icon=":material/timer_off:",
)
