"""Rendering toolkit: formatting, classes, palettes, maps, charts, exports (no data access)."""
