"""Benchmarks (``make bench`` / ``python -m bench``). Measurements, not timed tests."""
