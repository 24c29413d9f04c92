"""Benchmarks that measure ratios in one run (ours vs a baseline) and print a table."""
