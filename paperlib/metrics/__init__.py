"""Metrics: exact transport distances and mode statistics on toy data (images and text later)."""
