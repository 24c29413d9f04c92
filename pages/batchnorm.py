"""batchnorm (placeholder)."""

import streamlit as st

st.title("batchnorm")
