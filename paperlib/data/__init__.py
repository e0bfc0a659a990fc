"""Data sources: toy 2-D distributions (and, later, images and text)."""
