"""Shared test settings.

The networks in the tests are tiny, so one intra-op thread is both the fastest setting and immune to
a busy second core (OpenMP spin-waiting on a shared 2-core runner slows small matmuls by 100x).
"""

from __future__ import annotations

import pytest
import torch

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _fixed_torch_seed() -> None:
    """Every test starts from the same global torch seed, so random test inputs are reproducible."""
    torch.manual_seed(0)
