"""Areas: Gebietsstand conversion (23 ↔ 22 Kreise) and Planungsräume."""
