"""Streamlit helpers shared by the pages: the job pool, session identity, URL state, widgets."""
