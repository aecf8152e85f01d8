"""Helpers for the demo and the benchmarks (not part of the installed plugin)."""
