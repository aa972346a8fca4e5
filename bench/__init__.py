"""Benchmark of the cross-check engine on a synthetic national year (see README.md)."""
