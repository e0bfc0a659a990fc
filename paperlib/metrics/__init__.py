"""Metrics: exact transport distances and mode statistics on toy data (`toy`), Inception score, FID
and the offline digits scores on images (`images`), n-gram Jensen-Shannon divergences on text
(`text`)."""
