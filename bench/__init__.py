"""Benchmark tooling: a reproducible synthetic news corpus (corpus.py) to measure ingest at scale."""
