"""View models: pure functions from protected data to what a page shows (no Streamlit)."""
