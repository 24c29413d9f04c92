"""Regularization Lab's logic: data, models, jobs, fits and figures, free of Streamlit."""
