"""Benchmarks and robustness scripts (not run by the default test suite)."""
