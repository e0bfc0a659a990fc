"""Data sources: toy 2-D distributions (`toy`), image sets (`images`, with `catalog` naming where each
lies and how to obtain it), character-level text corpora (`text`) and the sampler that draws batches
from any of them (`sampler`)."""
