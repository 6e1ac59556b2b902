"""Benchmarks: figures beside a baseline measured in the same run (not tests)."""
