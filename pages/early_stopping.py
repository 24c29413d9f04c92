"""early_stopping (placeholder)."""

import streamlit as st

st.title("early_stopping")
