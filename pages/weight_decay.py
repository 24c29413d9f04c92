"""weight_decay (placeholder)."""

import streamlit as st

st.title("weight_decay")
