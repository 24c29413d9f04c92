"""l1_l2 (placeholder)."""

import streamlit as st

st.title("l1_l2")
