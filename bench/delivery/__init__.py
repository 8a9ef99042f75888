"""Benchmark of the delivery worker: `.venv/bin/python -m bench.delivery` (see scenarios)."""
