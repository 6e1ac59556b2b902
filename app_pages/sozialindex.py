"""Sozialindex: Status, Dynamik und Gesamtindex aus mehreren Indikatoren (Kreise, Gemeinden)."""

from sozialatlas.ui import sozialindex

sozialindex.sozialindex_page()
