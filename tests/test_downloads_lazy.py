"""Export charts are built when a download is asked for, not on every rerun of the page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page():
    import altair as alt
    import pandas as pd
    import streamlit as st

    from sozialatlas.ui import downloads

    def build():
        st.session_state["gebaut"] = st.session_state.get("gebaut", 0) + 1
        return alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q")

    downloads.chart_buttons(build, basename="rangfolge", key="lazy", label="Rangfolge")


def test_a_chart_function_is_not_called_while_the_page_runs():
    at = AppTest.from_function(_page, default_timeout=60)
    at.run()
    at.run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Rangfolge als PNG", "Rangfolge als SVG"]  # the buttons are there …
    assert "gebaut" not in at.session_state  # … but the chart was never built
