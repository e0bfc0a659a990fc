"""Shared test settings.

The networks in the tests are tiny, so one intra-op thread is both the fastest setting and immune to
a busy second core (OpenMP spin-waiting on a shared 2-core runner slows small matmuls by 100x).
``PAPERLIB_TEST_THREADS`` sets another count: ``.ci/run`` re-runs the tests not marked
``kernel_independent`` with two threads and PyTorch's portable kernels, because a float comparison
that depends on the order of operations fails under either (two threads split reductions
differently; other kernels round differently).
"""

from __future__ import annotations

import os

import pytest
import torch

torch.set_num_threads(int(os.environ.get("PAPERLIB_TEST_THREADS", "1")))


def pytest_report_header() -> str:
    """The CPU kernels and threads in use, so a run's numerics can be told apart (see .ci/run)."""
    return (
        f"torch {torch.__version__}: CPU capability {torch.backends.cpu.get_cpu_capability()}, "
        f"{torch.get_num_threads()} intra-op thread(s)"
    )


@pytest.fixture(autouse=True)
def _fixed_torch_seed() -> None:
    """Every test starts from the same global torch seed, so random test inputs are reproducible."""
    torch.manual_seed(0)
