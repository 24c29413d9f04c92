"""Pure Plotly figure builders, one module per page or topic; no Streamlit, no TensorFlow."""
