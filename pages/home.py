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
    "pages/polynomial_fit.py",
    label="Underfit vs overfit: polynomial fits, ridge and lasso",
    icon=":material/show_chart:",
)
st.page_link(
    "pages/backprop.py",
    label="Backpropagation, step by step: the course's worked example",
    icon=":material/account_tree:",
)
