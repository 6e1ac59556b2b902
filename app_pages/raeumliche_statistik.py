"""Räumliche Statistik: Moran's I, LISA-Cluster und zwei Indikatoren im Vergleich."""

from sozialatlas.ui import sozialindex

sozialindex.raeumliche_statistik_page()
