"""Benchmarks (`make bench`): every figure against a reference measured in the same run."""
