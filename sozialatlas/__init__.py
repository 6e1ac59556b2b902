"""Sozialatlas Thüringen: Bibliothek für kleinräumige Sozialplanung.

Nothing in this package imports Streamlit except ``sozialatlas.ui``.
"""

__version__ = "0.1.0"
