"""Synthetic data for benchmarks and tests, reproducible by seed and labelled synthetic."""
